// Typed reads from a toml++ tree with the position of every error: "'key' must be a string,
// not an integer" at file:line:column. Shared by the topology loader and the client profiles
// (clients/profiles.cpp, an exception ARCHITECTURE.md names), so both read TOML one way and
// no toml++ type leaves these two readers.
#pragma once

#include <certplan/error.hpp>

#include "util/enum_table.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace certplan {

using TomlKeys = std::span<const std::string_view>;

// "a string", "an integer", ...: a node type as the messages name it.
std::string_view toml_type_name(toml::node_type t);

class TomlReader {
public:
  // `path` names the document in positions; errors are of `kind` (input for a user's file,
  // internal for data compiled into the binary).
  explicit TomlReader(std::string path, ErrorKind kind = ErrorKind::input) : m_path(std::move(path)), m_kind(kind) {}

  const std::string& path() const { return m_path; }

  // toml++ gives line 0 to what it made up (an implicit table): that is the document's start.
  SourcePos pos(const toml::source_region& r) const;
  SourcePos pos(const toml::node& n) const { return pos(n.source()); }

  [[noreturn]] void fail(const SourcePos& where, std::string msg) const;
  [[noreturn]] void fail(const toml::node& n, std::string msg) const { fail(pos(n), std::move(msg)); }

  // Refuses any key of `t` outside `allowed` and `allowed2`, naming `where` and the allowed keys.
  void check_keys(const toml::table& t, TomlKeys allowed, TomlKeys allowed2, std::string_view where) const;
  void check_keys(const toml::table& t, TomlKeys allowed, std::string_view where) const {
    check_keys(t, allowed, TomlKeys{}, where);
  }

  const toml::node& require(const toml::table& t, std::string_view key, std::string_view where) const;
  void expect(const toml::node& n, toml::node_type type, std::string_view key) const;

  std::string string(const toml::node& n, std::string_view key) const;
  std::string nonempty_string(const toml::node& n, std::string_view key) const;
  bool boolean(const toml::node& n, std::string_view key) const;
  std::int64_t integer(const toml::node& n, std::string_view key) const;
  const toml::table& table(const toml::node& n, std::string_view key) const;
  const toml::array& array(const toml::node& n, std::string_view key) const;
  // A [[name]] list: an array whose elements are tables.
  std::vector<const toml::table*> tables(const toml::node& n, std::string_view key) const;

  // A string that must be one of `names`; returns it.
  std::string one_of(const toml::node& n, std::string_view key, TomlKeys names) const;

  // A string naming a value of an enum through its one table (util/enum_table.hpp).
  template <typename Entry, std::size_t N>
  auto choice(const toml::node& n, std::string_view key, const std::array<Entry, N>& table) const {
    const std::string s = string(n, key);
    if (const auto e = util::value_of(table, s)) {
      return *e;
    }
    fail(n, fmt::format("'{}' must be one of {}, not \"{}\"", key, util::names_joined(table, " | "), s));
  }

private:
  std::string m_path;
  ErrorKind m_kind;
};

} // namespace certplan
