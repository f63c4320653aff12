// One table per enum, value <-> name (ccache's k_config_key_table shape): the same table
// parses a name and prints a value, so a reordered enum cannot rename its values silently.
// Nothing certplan-specific (ccache's util/ rule).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace certplan::util {

template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

// The functions below take any entry type with `value` and `name` members, so a table may
// carry more per value (a label, ...) than EnumName does.

// True when entry i holds the enum value i, so every value 0..N-1 has exactly one entry and
// name_of may index. Tables assert it at compile time.
template <typename Entry, std::size_t N>
constexpr bool in_enum_order(const std::array<Entry, N>& table) {
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<std::size_t>(table[i].value) != i) {
      return false;
    }
  }
  return true;
}

template <typename Entry, std::size_t N, typename E>
constexpr std::string_view name_of(const std::array<Entry, N>& table, E e) {
  const auto i = static_cast<std::size_t>(e);
  return i < N ? table[i].name : std::string_view("?");
}

template <typename Entry, std::size_t N>
constexpr auto value_of(const std::array<Entry, N>& table, std::string_view name)
    -> std::optional<decltype(Entry::value)> {
  for (const auto& entry : table) {
    if (entry.name == name) {
      return entry.value;
    }
  }
  return std::nullopt;
}

// "a | b | c": the names in table order, for "must be one of" messages.
template <typename Entry, std::size_t N>
std::string names_joined(const std::array<Entry, N>& table, std::string_view sep) {
  std::string out;
  for (const auto& entry : table) {
    out += out.empty() ? "" : sep;
    out += entry.name;
  }
  return out;
}

} // namespace certplan::util
