// Small text helpers with nothing certplan-specific in them (ccache's util/ shape).
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace certplan::util {

// "1 SAN", "2 SANs": a count with its noun in the right number.
inline std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

} // namespace certplan::util
