#include <certplan/error.hpp>
#include <certplan/limits.hpp>

#include "topology/prescan.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <array>


namespace certplan::detail {

void note_header(std::string_view text, std::size_t i, unsigned line, Layout& layout) {
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
  Header h{begin, line, false};
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
// Table-driven (issue 18: it ran once per byte through a switch, a third of `tenant add`'s
// instructions): each state passes over the bytes that cannot change it in a tight loop, and
// only the others reach the switch. A column is a byte's offset in its line plus one.
Layout prescan(std::string_view text, const std::string& path, std::size_t max_tenants) {
  Layout layout;
  constexpr unsigned k_max_parts = 64;
  enum In : unsigned char { code, code_line_start, comment, basic, literal, ml_basic, ml_literal, k_states };
  // stops[state][byte]: the bytes the state must look at.
  static constexpr auto stops = [] {
    std::array<std::array<bool, 256>, k_states> t{};
    for (unsigned b = 0; b < 256; ++b) {
      const char c = static_cast<char>(b);
      const bool blank = c == ' ' || c == '\t';
      const bool key = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      t[code][b] = !(blank || key); // a key's bytes neither count nor end a dotted key's parts
      t[code_line_start][b] = !blank; // the first byte after the blanks may open a header
      t[comment][b] = c == '\n';
      t[basic][b] = t[ml_basic][b] = c == '\n' || c == '"' || c == '\\';
      t[literal][b] = t[ml_literal][b] = c == '\n' || c == '\'';
    }
    return t;
  }();
  std::size_t tenants = 0;
  In in = code_line_start;
  unsigned dots = 0;
  unsigned line = 1;
  std::size_t line_at = 0; // offset of the current line's first byte
  const auto col = [&](std::size_t i) { return static_cast<unsigned>(i - line_at + 1); };
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& stop = stops[in];
    while (i < n && !stop[static_cast<unsigned char>(text[i])]) {
      ++i;
    }
    if (i == n) {
      break;
    }
    const char c = text[i];
    if (c == '\n') {
      // A line break ends a comment, and a one-line string toml++ then reports as unterminated.
      in = in == ml_basic || in == ml_literal ? in : code_line_start;
      dots = in == code_line_start ? 0 : dots;
      ++line;
      line_at = i + 1;
      continue;
    }
    const bool triple = i + 2 < n && text[i + 1] == c && text[i + 2] == c;
    switch (in) {
    case code_line_start:
      in = code;
      if (c == '[') {
        note_header(text, i, line, layout);
        if (text.substr(i).starts_with("[[")) {
          std::size_t k = i + 2;
          while (k < n && (text[k] == ' ' || text[k] == '\t')) {
            ++k;
          }
          if (text.substr(k).starts_with("tenant") && k + 6 < n &&
              (text[k + 6] == ']' || text[k + 6] == ' ' || text[k + 6] == '\t') && ++tenants > max_tenants) {
            throw Error(ErrorKind::input, fmt::format("more than {} tenants", max_tenants), SourcePos{path, line, col(i)},
                        Limit::tenants);
          }
        }
      }
      [[fallthrough]];
    case code:
      if (c == '.') {
        if (++dots >= k_max_parts) {
          throw_input({path, line, col(i)}, fmt::format("a dotted key of more than {} parts; refused before parsing "
                                                        "(certplan's keys have at most 3)", k_max_parts));
        }
      } else if (c == '"' || c == '\'') {
        in = triple ? (c == '"' ? ml_basic : ml_literal) : (c == '"' ? basic : literal);
        i += triple ? 2 : 0;
      } else if (c == '#') {
        in = comment;
      } else if (!(util::is_alnum_ascii(c) || c == '_' || c == '-' || c == ' ' || c == '\t')) {
        dots = 0; // '=', brackets, commas: the chain of key parts is over
      }
      break;
    case comment:
      break; // only its line break stops a comment
    case basic:
    case ml_basic:
      if (c == '\\') {
        // The escaped byte is passed over; a line-ending backslash (multi-line) still ends a line.
        if (i + 1 < n && text[i + 1] == '\n') {
          ++line;
          line_at = i + 2;
        }
        ++i;
      } else if (c == '"' && (in == basic || triple)) {
        i += in == basic ? 0 : 2;
        in = code;
      }
      break;
    case literal:
    case ml_literal:
      if (c == '\'' && (in == literal || triple)) {
        i += in == literal ? 0 : 2;
        in = code;
      }
      break;
    default:
      break;
    }
  }
  layout.lines = line;
  return layout;
}

} // namespace certplan::detail
