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

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace certplan::util {

// Whether no name is in `names` twice. The loader's checks across 100,000 tenants only ask
// this, once: sorting the names' hashes reads memory in order, where a set's inserts probe it
// at random (issue 18: half the time of a NameSet). Names of equal hash are then compared.
inline bool all_distinct(const std::vector<std::string_view>& names) {
  std::vector<std::pair<std::uint64_t, const std::string_view*>> keyed;
  keyed.reserve(names.size());
  for (const auto& n : names) {
    keyed.emplace_back(std::hash<std::string_view>{}(n), &n);
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < keyed.size();) {
    std::size_t run = i + 1; // [i, run): one hash
    while (run < keyed.size() && keyed[run].first == keyed[i].first) {
      ++run;
    }
    for (std::size_t a = i; a < run; ++a) {
      for (std::size_t b = a + 1; b < run; ++b) {
        if (*keyed[a].second == *keyed[b].second) {
          return false;
        }
      }
    }
    i = run;
  }
  return true;
}

} // namespace certplan::util
