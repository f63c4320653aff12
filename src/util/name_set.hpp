// A set of names viewed where they are kept, for the sets that hold every tenant's names
// (issue 18: the loader's checks across 100,000 tenants, the planner's zone index). Tessil's
// robin_set (Debian's robin-map-dev, header-only): open addressing with each view's hash kept
// beside it, so a probe seldom reads the name itself. std::unordered_set made and freed one
// node per name, and its inserts and frees were a fifth of `tenant add`'s time.
#pragma once

#include <tsl/robin_set.h>

#include <functional>
#include <memory>
#include <string_view>

namespace certplan::util {

using NameSet = tsl::robin_set<std::string_view, std::hash<std::string_view>, std::equal_to<std::string_view>,
                               std::allocator<std::string_view>, /*StoreHash=*/true>;

} // namespace certplan::util
