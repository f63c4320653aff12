#include <certplan/error.hpp>
#include <certplan/limits.hpp>

#include "topology/prescan.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>


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
// handles the others in place. A column is a byte's offset in its line plus one.
Layout prescan(std::string_view text, const std::string& path, std::size_t max_tenants) {
  Layout layout;
  constexpr unsigned k_max_parts = 64;
  enum In : unsigned char { code, line_start, comment, basic, literal, ml_basic, ml_literal };
  // The bytes each kind of state passes over.
  struct Classes {
    std::array<bool, 256> key_or_blank{}, blank{}, basic{}, literal{};
  };
  static constexpr Classes pass = [] {
    Classes t;
    for (unsigned b = 0; b < 256; ++b) {
      const char c = static_cast<char>(b);
      t.blank[b] = c == ' ' || c == '\t';
      // A key's bytes neither count nor end a dotted key's parts.
      t.key_or_blank[b] = t.blank[b] || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '_' || c == '-';
      t.basic[b] = c != '\n' && c != '"' && c != '\\';
      t.literal[b] = c != '\n' && c != '\'';
    }
    return t;
  }();
  const auto over = [&](const std::array<bool, 256>& cls, std::size_t i) {
    while (i < text.size() && cls[static_cast<unsigned char>(text[i])]) {
      ++i;
    }
    return i;
  };
  std::size_t tenants = 0;
  In in = line_start;
  unsigned dots = 0;
  unsigned line = 1;
  std::size_t line_at = 0; // offset of the current line's first byte
  const auto col = [&](std::size_t i) { return static_cast<unsigned>(i - line_at + 1); };
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (in == comment) {
      const void* nl = std::memchr(text.data() + i, '\n', n - i);
      i = nl == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(nl) - text.data());
    } else if (in == basic || in == ml_basic) {
      i = over(pass.basic, i);
    } else if (in == literal || in == ml_literal) {
      i = over(pass.literal, i);
    } else {
      i = over(in == line_start ? pass.blank : pass.key_or_blank, i);
    }
    if (i == n) {
      break;
    }
    const char c = text[i];
    if (c == '\n') {
      // A line break ends a comment, and a one-line string toml++ then reports as unterminated.
      if (in != ml_basic && in != ml_literal) {
        in = line_start;
        dots = 0;
      }
      ++line;
      line_at = ++i;
      continue;
    }
    const auto triple = [&] { return i + 2 < n && text[i + 1] == c && text[i + 2] == c; };
    switch (in) {
    case line_start:
      in = code;
      if (c == '[') {
        note_header(text, i, line, layout);
        if (text.substr(i).starts_with("[[")) {
          const std::size_t k = over(pass.blank, i + 2);
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
        const bool three = triple();
        in = three ? (c == '"' ? ml_basic : ml_literal) : (c == '"' ? basic : literal);
        i += three ? 2 : 0;
      } else if (c == '#') {
        in = comment;
      } else if (!util::is_alnum_ascii(c) && c != '_' && c != '-') {
        dots = 0; // '=', brackets, commas: the chain of key parts is over
      }
      break;
    case basic:
    case ml_basic:
      if (c == '\\') {
        // The escaped byte is passed over; a line-ending backslash (multi-line) still ends a line.
        if (i + 1 < n && text[i + 1] == '\n') {
          ++line;
          line_at = i + 2;
        }
        ++i;
      } else if (in == basic || triple()) { // c is '"'
        i += in == basic ? 0 : 2;
        in = code;
      }
      break;
    case literal:
    case ml_literal:
      if (in == literal || triple()) { // c is '\''
        i += in == literal ? 0 : 2;
        in = code;
      }
      break;
    case comment:
      break; // only its line break ends a comment
    }
    ++i;
  }
  layout.lines = line;
  return layout;
}

} // namespace certplan::detail
