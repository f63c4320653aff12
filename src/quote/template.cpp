// The one template expander (issue 13). Placeholders are {{language:name}}: double braces
// because PowerShell scripts are full of single ones (script blocks, hash tables), and the
// language is not optional, so a template cannot splice a value the quoter did not see.
#include <certplan/error.hpp>
#include <certplan/quote.hpp>
#include <certplan/resources.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace certplan::quote {
namespace {

[[noreturn]] void bug(std::string_view name, std::string message) {
  throw Error(ErrorKind::internal, fmt::format("template {}: {}", name, message));
}

const std::string* as_string(const Value& v) { return std::get_if<std::string>(&v); }
const std::vector<std::string>* as_list(const Value& v) { return std::get_if<std::vector<std::string>>(&v); }

std::string openssl_section(std::string_view name, const Pairs& pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    const bool ok = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    });
    if (!ok) {
      bug(name, fmt::format("\"{}\" is not an openssl config key", key));
    }
    out += key + " = " + openssl_value(value) + "\n";
  }
  return out;
}

std::string quoted(std::string_view name, std::string_view language, std::string_view key, const Value& v) {
  const auto wrong = [&]() -> std::string { bug(name, fmt::format("{{{{{}:{}}}}} cannot take this kind of value", language, key)); };
  if (language == "ps") {
    if (const auto* s = as_string(v)) {
      return powershell(*s);
    }
    if (const auto* l = as_list(v)) {
      return powershell_list(*l);
    }
    return wrong();
  }
  if (language == "sh") {
    if (const auto* s = as_string(v)) {
      return posix_shell(*s);
    }
    if (const auto* l = as_list(v)) {
      std::string out;
      for (const auto& item : *l) {
        out += out.empty() ? "" : " ";
        out += posix_shell(item);
      }
      return out;
    }
    return wrong();
  }
  if (language == "int") {
    const auto* s = as_string(v);
    if (s == nullptr) {
      return wrong();
    }
    if (s->empty() || !std::all_of(s->begin(), s->end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) {
      bug(name, fmt::format("{{{{int:{}}}}} is not a number: \"{}\"", key, *s));
    }
    return *s;
  }
  if (language == "comment") {
    if (const auto* s = as_string(v)) {
      return comment(*s);
    }
    if (const auto* l = as_list(v)) {
      std::string out;
      for (const auto& item : *l) {
        out += out.empty() ? "" : ", ";
        out += comment(item);
      }
      return out;
    }
    return wrong();
  }
  if (language == "openssl-section") {
    if (const auto* p = std::get_if<Pairs>(&v)) {
      return openssl_section(name, *p);
    }
    return wrong();
  }
  bug(name, fmt::format("{{{{{}:{}}}}} names no quoting language (ps, sh, int, comment, openssl-section)", language, key));
}

} // namespace

std::string expand(std::string_view name, std::string_view text, const Values& values) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const auto open = text.find("{{", at);
    out += text.substr(at, open == std::string_view::npos ? std::string_view::npos : open - at);
    if (open == std::string_view::npos) {
      return out;
    }
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      bug(name, "a {{ without its }}");
    }
    const std::string_view inner = text.substr(open + 2, close - open - 2);
    const auto colon = inner.find(':');
    if (colon == std::string_view::npos) {
      bug(name, fmt::format("placeholder {{{{{}}}}} names no quoting language ({{{{ps:{}}}}}, ...)", inner, inner));
    }
    const std::string_view language = inner.substr(0, colon);
    const std::string_view key = inner.substr(colon + 1);
    const auto it = values.find(key);
    if (it == values.end()) {
      bug(name, fmt::format("no value for {{{{{}}}}}", inner));
    }
    out += quoted(name, language, key, it->second);
    at = close + 2;
  }
}

std::string expand_template(std::string_view path, const Values& values) {
  const auto text = embedded_resource(path);
  if (!text) {
    throw Error(ErrorKind::internal, fmt::format("{} is not compiled in", path));
  }
  return expand(path, *text, values);
}

} // namespace certplan::quote
