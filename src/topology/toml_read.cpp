#include "topology/toml_read.hpp"

#include <algorithm>

namespace certplan {

std::string_view toml_type_name(toml::node_type t) {
  switch (t) {
  case toml::node_type::table: return "a table";
  case toml::node_type::array: return "an array";
  case toml::node_type::string: return "a string";
  case toml::node_type::integer: return "an integer";
  case toml::node_type::floating_point: return "a float";
  case toml::node_type::boolean: return "a boolean";
  case toml::node_type::date: return "a date";
  case toml::node_type::time: return "a time";
  case toml::node_type::date_time: return "a date-time";
  default: return "nothing";
  }
}

SourcePos TomlReader::pos(const toml::source_region& r) const {
  if (r.begin.line == 0) {
    return {m_path, 1, 1};
  }
  return {m_path, r.begin.line, r.begin.column};
}

void TomlReader::fail(const SourcePos& where, std::string msg) const { throw Error(m_kind, std::move(msg), where); }

void TomlReader::check_keys(const toml::table& t, TomlKeys allowed, TomlKeys allowed2, std::string_view where) const {
  for (const auto& [k, v] : t) {
    const std::string_view name = k.str();
    const bool ok = std::find(allowed.begin(), allowed.end(), name) != allowed.end() ||
                    std::find(allowed2.begin(), allowed2.end(), name) != allowed2.end();
    if (!ok) {
      std::string list;
      for (const TomlKeys ks : {allowed, allowed2}) {
        for (const auto a : ks) {
          if (!a.empty()) {
            list += list.empty() ? "" : ", ";
            list += a;
          }
        }
      }
      fail(pos(k.source()), fmt::format("unknown key '{}' in {}; allowed keys: {}", name, where, list));
    }
  }
}

const toml::node& TomlReader::require(const toml::table& t, std::string_view key, std::string_view where) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    fail(t, fmt::format("missing required key '{}' in {}", key, where));
  }
  return *n;
}

void TomlReader::expect(const toml::node& n, toml::node_type type, std::string_view key) const {
  if (n.type() != type) {
    fail(n, fmt::format("'{}' must be {}, not {}", key, toml_type_name(type), toml_type_name(n.type())));
  }
}

std::string TomlReader::string(const toml::node& n, std::string_view key) const {
  expect(n, toml::node_type::string, key);
  return std::string(n.as_string()->get());
}

std::string TomlReader::nonempty_string(const toml::node& n, std::string_view key) const {
  std::string s = string(n, key);
  if (s.empty()) {
    fail(n, fmt::format("'{}' must not be empty", key));
  }
  return s;
}

bool TomlReader::boolean(const toml::node& n, std::string_view key) const {
  expect(n, toml::node_type::boolean, key);
  return n.as_boolean()->get();
}

std::int64_t TomlReader::integer(const toml::node& n, std::string_view key) const {
  expect(n, toml::node_type::integer, key);
  return n.as_integer()->get();
}

const toml::table& TomlReader::table(const toml::node& n, std::string_view key) const {
  expect(n, toml::node_type::table, key);
  return *n.as_table();
}

const toml::array& TomlReader::array(const toml::node& n, std::string_view key) const {
  expect(n, toml::node_type::array, key);
  return *n.as_array();
}

std::vector<const toml::table*> TomlReader::tables(const toml::node& n, std::string_view key) const {
  std::vector<const toml::table*> out;
  for (const auto& e : array(n, key)) {
    out.push_back(&table(e, key));
  }
  return out;
}

std::string TomlReader::one_of(const toml::node& n, std::string_view key, TomlKeys names) const {
  std::string s = string(n, key);
  if (std::find(names.begin(), names.end(), s) == names.end()) {
    std::string list;
    for (const auto name : names) {
      list += list.empty() ? "" : " | ";
      list += name;
    }
    fail(n, fmt::format("'{}' must be one of {}, not \"{}\"", key, list, s));
  }
  return s;
}

} // namespace certplan
