// Small text helpers with nothing certplan-specific in them (ccache's util/ shape).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace certplan::util {

// "1 SAN", "2 SANs": a count with its noun in the right number.
inline std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// ASCII only: a host name's letters and a TOML key are ASCII, and std::tolower would follow
// the locale (Turkish dotless i) where DNS does not (RFC 4343).
// std::isalnum in the "C" locale certplan runs in, without a call per byte (issue 18: host
// names and the topology's text are checked byte by byte, 100,000s of them).
constexpr bool is_alnum_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

// Equal but for ASCII case (RFC 4343 for names; PowerShell's -eq on the exports' strings).
inline bool iequals_ascii(std::string_view a, std::string_view b) {
  const auto fold = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
           return fold(static_cast<unsigned char>(x)) == fold(static_cast<unsigned char>(y));
         });
}

inline bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

// fmt::join for anything iterable whose elements format; this one for std::string lists,
// which most callers hold.
template <typename Range>
std::string join(const Range& items, std::string_view sep) {
  return fmt::format("{}", fmt::join(items, sep));
}

} // namespace certplan::util
