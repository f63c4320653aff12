// ConvertTo-Json of the same cmdlets' objects, read into PsNodes (nlohmann-json).
#include "util/base64.hpp"
#include <certplan/server_export.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>

namespace certplan::exports {
namespace {

// ConvertTo-Json's default -Depth is 2: deeper levels are strings already. A bound anyway.
constexpr int k_max_depth = 64;

std::string base64_or_empty(const std::string& s) { return util::base64_decode(s).value_or(""); }

bool byte_array(const nlohmann::json& j) {
  if (!j.is_array() || j.empty()) {
    return false;
  }
  for (const auto& e : j) {
    if (!e.is_number_unsigned() || e.get<std::uint64_t>() > 255) {
      return false;
    }
  }
  return true;
}

std::shared_ptr<const PsNode> convert(const nlohmann::json& j, const std::string& key, const SourcePos& where, int depth) {
  if (depth > k_max_depth) {
    throw_input(where, fmt::format("JSON nested deeper than {} levels", k_max_depth));
  }
  auto n = std::make_shared<PsNode>();
  n->where = where;
  switch (j.type()) {
  case nlohmann::json::value_t::null: n->kind = PsNode::Kind::null; break;
  case nlohmann::json::value_t::boolean:
    n->kind = PsNode::Kind::boolean;
    n->text = j.get<bool>() ? "true" : "false";
    break;
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
  case nlohmann::json::value_t::number_float:
    n->kind = PsNode::Kind::number;
    n->text = j.dump();
    break;
  case nlohmann::json::value_t::string: {
    const auto& s = j.get_ref<const std::string&>();
    n->text = s;
    // Windows PowerShell 5.1 writes DateTime as "\/Date(1577836800000)\/" (the JSON text's
    // "\/" is "/" once parsed); PowerShell 7 as ISO 8601.
    n->kind = s.starts_with("/Date(") ? PsNode::Kind::date : PsNode::Kind::string;
    if (key == "RawData" || key == "SerializationData") {
      n->kind = PsNode::Kind::bytes;
      n->bytes = base64_or_empty(s);
    }
    break;
  }
  case nlohmann::json::value_t::array:
    if (byte_array(j)) {
      n->kind = PsNode::Kind::bytes;
      for (const auto& e : j) {
        n->bytes.push_back(static_cast<char>(e.get<std::uint64_t>()));
      }
    } else {
      n->kind = PsNode::Kind::list;
      for (const auto& e : j) {
        n->items.push_back(convert(e, "", where, depth + 1));
      }
    }
    break;
  case nlohmann::json::value_t::object:
    n->kind = PsNode::Kind::object;
    for (const auto& [k, v] : j.items()) {
      n->props.emplace_back(k, convert(v, k, where, depth + 1));
    }
    // ConvertTo-Json writes no type names and no ToString: an object's text is its name.
    for (const char* k : {"Address", "Domain", "value", "Name"}) {
      if (const auto* p = n->get(k); p != nullptr && n->text.empty() && p->kind == PsNode::Kind::string) {
        n->text = p->text;
      }
    }
    break;
  default: n->kind = PsNode::Kind::string; break;
  }
  return n;
}

} // namespace

std::vector<std::shared_ptr<const PsNode>> read_ps_json(std::string_view utf8, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(utf8.begin(), utf8.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based, just past the offending character.
    const std::size_t at = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, utf8.size());
    std::uint32_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
      if (utf8[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    const std::string what = e.what();
    const auto colon = what.rfind(": ");
    throw_input({source, line, column}, "not JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  }
  const SourcePos where{source, 0, 0};
  std::vector<std::shared_ptr<const PsNode>> out;
  if (j.is_array()) {
    for (const auto& e : j) {
      out.push_back(convert(e, "", where, 0));
    }
  } else {
    out.push_back(convert(j, "", where, 0));
  }
  return out;
}

} // namespace certplan::exports
