#include <certplan/error.hpp>
#include <certplan/limits.hpp>

#include "topology/prescan.hpp"
#include "util/text.hpp"

#include <fmt/format.h>


namespace certplan::detail {

void note_header(std::string_view text, std::size_t i, Layout& layout) {
  const auto skip = [&](std::size_t k) {
    while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) {
      ++k;
    }
    return k;
  };
  const bool array = text.substr(i).starts_with("[[");
  const std::size_t k = skip(i + (array ? 2 : 1));
  const std::string_view rest = text.substr(k);
  std::size_t begin = i; // only blanks before a header on its line
  while (begin > 0 && text[begin - 1] != '\n') {
    --begin;
  }
  Header h{begin, false};
  if (rest.starts_with("tenant")) {
    h.tenant = array && text.substr(skip(k + 6)).starts_with("]]");
    layout.simple = layout.simple && h.tenant;
  } else if (rest.starts_with("\"") || rest.starts_with("'")) {
    layout.simple = false; // a quoted key may name anything; the whole-file parse decides
  }
  layout.tenants += h.tenant ? 1 : 0;
  layout.headers.push_back(h);
}

// A lexical pass before toml++ sees the text, skipping strings and comments:
// - toml++ 3.3 recurses once per part of a dotted key, so a header like [a.a.a...] with
//   50,000 parts overflows the stack before it can report anything; topologies need 3 parts;
// - a million [[tenant]] tables cost toml++ 700 MB before the loader could count them, so
//   the tenant limit is enforced here first (and again on the parsed tables).
// - it also notes where each top-level table header starts (the layout load_split uses).
Layout prescan(std::string_view text, const std::string& path, std::size_t max_tenants) {
  Layout layout;
  constexpr unsigned k_max_parts = 64;
  std::size_t tenants = 0;
  bool line_start = true;
  enum class In { code, comment, basic, literal, ml_basic, ml_literal } in = In::code;
  unsigned dots = 0;
  unsigned line = 1;
  unsigned col = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // In a comment or a string only its end, an escape or a line break matters: the bytes
    // before one are passed over in a tight loop, exactly as the switch below would pass them
    // (each one a column; issue 18: a hoster's file is mostly strings).
    if (in != In::code) {
      const char quote = in == In::basic || in == In::ml_basic ? '"' : in == In::comment ? '\n' : '\'';
      const bool escapes = in == In::basic || in == In::ml_basic;
      std::size_t k = i;
      while (k < text.size() && text[k] != '\n' && text[k] != quote && !(escapes && text[k] == '\\')) {
        ++k;
      }
      col += static_cast<unsigned>(k - i);
      i = k;
      if (i == text.size()) {
        break;
      }
    }
    const char c = text[i];
    ++col;
    const bool triple = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
    switch (in) {
    case In::code:
      if (line_start && c == '[') {
        note_header(text, i, layout);
      }
      if (line_start && c == '[' && text.substr(i).starts_with("[[")) {
        std::size_t k = i + 2;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) {
          ++k;
        }
        if (text.substr(k).starts_with("tenant") && k + 6 < text.size() &&
            (text[k + 6] == ']' || text[k + 6] == ' ' || text[k + 6] == '\t') && ++tenants > max_tenants) {
          throw Error(ErrorKind::input, fmt::format("more than {} tenants", max_tenants), SourcePos{path, line, col},
                      Limit::tenants);
        }
      }
      if (c != ' ' && c != '\t') {
        line_start = false;
      }
      if (c == '.') {
        if (++dots >= k_max_parts) {
          throw_input({path, line, col}, fmt::format("a dotted key of more than {} parts; refused before parsing "
                                                     "(certplan's keys have at most 3)", k_max_parts));
        }
      } else if (c == '"' || c == '\'') {
        in = triple ? (c == '"' ? In::ml_basic : In::ml_literal) : (c == '"' ? In::basic : In::literal);
        i += triple ? 2 : 0;
      } else if (c == '#') {
        in = In::comment;
      } else if (!(util::is_alnum_ascii(c) || c == '_' || c == '-' || c == ' ' || c == '\t')) {
        dots = 0; // '=', brackets, commas, line ends: the chain of key parts is over
      }
      break;
    case In::comment:
      in = c == '\n' ? In::code : in;
      break;
    case In::basic:
    case In::ml_basic:
      if (c == '\\') {
        ++i;
      } else if (c == '"' && (in == In::basic || triple)) {
        i += in == In::basic ? 0 : 2;
        in = In::code;
      } else if (c == '\n' && in == In::basic) {
        in = In::code; // toml++ reports the unterminated string
      }
      break;
    case In::literal:
    case In::ml_literal:
      if (c == '\'' && (in == In::literal || triple)) {
        i += in == In::literal ? 0 : 2;
        in = In::code;
      } else if (c == '\n' && in == In::literal) {
        in = In::code;
      }
      break;
    }
    if (c == '\n') {
      ++line;
      col = 0;
      dots = in == In::code ? 0 : dots;
      line_start = in == In::code;
    }
  }
  return layout;
}

} // namespace certplan::detail
