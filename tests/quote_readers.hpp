// Reference readers for certplan's quoters (issue 13), shared by tests/unit/test_quote.cpp
// and tests/fuzz/fuzz_quote.cpp. Each reads one quoted value back the way the consuming
// program does, written from the spec rather than from src/quote/, and returns nullopt when
// the text is not exactly one well-formed literal (something outside it, an unescaped special
// character, a missing closing quote).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quote_readers {

// ---- PowerShell --------------------------------------------------------------------------
// What PowerShell's tokenizer does with single-quoted strings: a quote is ' or one of
// U+2018..U+201B (CharExtensions.IsSingleQuote); inside a literal, two quotes in a row are
// one (the second one is kept); one quote ends the literal. Byte-wise: the Unicode quotes are
// E2 80 98..9B in UTF-8.
inline std::size_t ps_quote_at(std::string_view s, std::size_t i) {
  if (s[i] == '\'') {
    return 1;
  }
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) >= 0x98 && static_cast<unsigned char>(s[i + 2]) <= 0x9B) {
    return 3;
  }
  return 0;
}

struct PsTokens {
  std::vector<std::string> literals; // contents of the single-quoted literals, in order
  std::string outside;               // every byte not inside a literal (the quotes excluded)
  bool unterminated = false;
};

inline PsTokens ps_tokenize(std::string_view s) {
  PsTokens t;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t q = ps_quote_at(s, i);
    if (q == 0) {
      t.outside += s[i++];
      continue;
    }
    i += q;
    std::string lit;
    bool closed = false;
    while (i < s.size()) {
      const std::size_t q1 = ps_quote_at(s, i);
      if (q1 == 0) {
        lit += s[i++];
        continue;
      }
      const std::size_t q2 = i + q1 < s.size() ? ps_quote_at(s, i + q1) : 0;
      if (q2 != 0) {
        lit.append(s.substr(i + q1, q2));
        i += q1 + q2;
        continue;
      }
      i += q1;
      closed = true;
      break;
    }
    t.unterminated = t.unterminated || !closed;
    t.literals.push_back(std::move(lit));
  }
  return t;
}

inline std::optional<std::string> read_powershell(std::string_view s) {
  const auto t = ps_tokenize(s);
  if (t.unterminated || t.literals.size() != 1 || !t.outside.empty()) {
    return std::nullopt;
  }
  return t.literals.front();
}

// ---- CSV (RFC 4180) ----------------------------------------------------------------------
// One field: escaped ("..." with "" for ") or non-escaped (TEXTDATA: no comma, quote, CR,
// LF). Then certplan's formula rule: one leading ' is dropped; what remains must not start
// with = + - @ TAB CR unless that ' was there (a spreadsheet would run it).
inline std::optional<std::string> read_csv(std::string_view s) {
  std::string v;
  if (!s.empty() && s.front() == '"') {
    std::size_t i = 1;
    bool closed = false;
    while (i < s.size()) {
      if (s[i] == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          v += '"';
          i += 2;
          continue;
        }
        closed = true;
        ++i;
        break;
      }
      v += s[i++];
    }
    if (!closed || i != s.size()) {
      return std::nullopt;
    }
  } else {
    if (s.find_first_of(",\"\r\n") != std::string_view::npos) {
      return std::nullopt;
    }
    v = s;
  }
  if (!v.empty() && v.front() == '\'') {
    return v.substr(1);
  }
  if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos) {
    return std::nullopt;
  }
  return v;
}

// ---- TOML basic string (TOML 1.0) ----------------------------------------------------------
inline void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

inline std::optional<std::uint32_t> hex(std::string_view s) {
  std::uint32_t v = 0;
  for (const char c : s) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) {
      return std::nullopt;
    }
    v = v * 16 + static_cast<std::uint32_t>(d);
  }
  return v;
}

inline std::optional<std::string> read_toml_basic(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
    return std::nullopt;
  }
  std::string v;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || ((c < 0x20 && c != '\t') || c == 0x7F)) {
      return std::nullopt; // ends the string early, or must be escaped
    }
    if (c != '\\') {
      v += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      return std::nullopt; // the backslash would escape the closing quote
    }
    switch (s[++i]) {
    case 'b': v += '\b'; break;
    case 't': v += '\t'; break;
    case 'n': v += '\n'; break;
    case 'f': v += '\f'; break;
    case 'r': v += '\r'; break;
    case '"': v += '"'; break;
    case '\\': v += '\\'; break;
    case 'u':
    case 'U': {
      const std::size_t n = s[i] == 'u' ? 4 : 8;
      if (i + n + 2 > s.size()) {
        return std::nullopt;
      }
      const auto cp = hex(s.substr(i + 1, n));
      if (!cp || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
        return std::nullopt;
      }
      append_utf8(v, *cp);
      i += n;
      break;
    }
    default: return std::nullopt;
    }
  }
  return v;
}

// ---- openssl config value (OpenSSL 3.0 crypto/conf/conf_def.c) -----------------------------
// The value part of "KEY = VALUE" as def_load_bio reads it: leading blanks eaten, the comment
// cut off (clear_comments: a # outside quotes, a quote skipped with its escapes), trailing
// blanks trimmed, then str_copy: a quote runs to the same quote (a backslash inside makes the
// next character literal); outside quotes a backslash escapes (\n \r \b \t translated) and $
// expands a variable — which a quoted value must never reach, so it is a failure here.
inline std::optional<std::string> read_openssl_value(std::string_view line) {
  if (line.find_first_of("\r\n") != std::string_view::npos || line.find('\0') != std::string_view::npos) {
    return std::nullopt; // a second line, or the end of the C string
  }
  std::string p(line);
  // clear_comments
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '#') {
      p.erase(i);
      break;
    }
    if (p[i] == '"' || p[i] == '\'') {
      const char q = p[i++];
      while (i < p.size() && p[i] != q) {
        i += p[i] == '\\' ? 2 : 1;
      }
      ++i;
      continue;
    }
    i += p[i] == '\\' ? 2 : 1;
  }
  // eat_ws / trim_ws
  const auto ws = [](char c) { return c == ' ' || c == '\t'; };
  std::size_t b = 0;
  while (b < p.size() && ws(p[b])) {
    ++b;
  }
  std::size_t e = p.size();
  while (e > b && ws(p[e - 1])) {
    --e;
  }
  const std::string_view from = std::string_view(p).substr(b, e - b);
  std::string v;
  for (std::size_t i = 0; i < from.size();) {
    const char c = from[i];
    if (c == '"' || c == '\'') {
      ++i;
      while (i < from.size() && from[i] != c) {
        if (from[i] == '\\') {
          ++i;
          if (i >= from.size()) {
            break;
          }
        }
        v += from[i++];
      }
      if (i >= from.size()) {
        return std::nullopt; // no closing quote
      }
      ++i;
    } else if (c == '\\' || c == '$') {
      return std::nullopt; // escape or variable expansion outside quotes: not our form
    } else {
      v += c;
      ++i;
    }
  }
  return v;
}

// ---- Prometheus label value (text exposition format 0.0.4) -------------------------------
inline std::optional<std::string> read_prometheus_label(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
    return std::nullopt;
  }
  std::string v;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '"' || s[i] == '\n') {
      return std::nullopt;
    }
    if (s[i] != '\\') {
      v += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      return std::nullopt; // the backslash escapes the closing quote
    }
    const char n = s[++i];
    if (n == '\\' || n == '"') {
      v += n;
    } else if (n == 'n') {
      v += '\n';
    } else {
      return std::nullopt;
    }
  }
  return v;
}

// ---- iCalendar TEXT (RFC 5545 3.3.11) ------------------------------------------------------
// ESCAPED-CHAR = ("\\" / "\;" / "\," / "\N" / "\n"); a raw , or ; is a separator, not text,
// and CONTROL characters (but HTAB) are not TSAFE-CHAR.
inline std::optional<std::string> read_ics_text(std::string_view s) {
  std::string v;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ',' || c == ';' || (c < 0x20 && c != '\t') || c == 0x7F) {
      return std::nullopt;
    }
    if (c != '\\') {
      v += s[i];
      continue;
    }
    if (i + 1 >= s.size()) {
      return std::nullopt;
    }
    const char n = s[++i];
    if (n == '\\' || n == ';' || n == ',') {
      v += n;
    } else if (n == 'n' || n == 'N') {
      v += '\n';
    } else {
      return std::nullopt;
    }
  }
  return v;
}

// Unfolding (RFC 5545 3.1): CRLF followed by one space or tab is removed. Returns nullopt
// when a physical line is over 75 octets or does not end in CRLF.
inline std::optional<std::string> ics_unfold(std::string_view s) {
  std::string v;
  std::size_t start = 0;
  bool first = true;
  while (start < s.size()) {
    const auto crlf = s.find("\r\n", start);
    if (crlf == std::string_view::npos || crlf - start > 75) {
      return std::nullopt;
    }
    std::string_view line = s.substr(start, crlf - start);
    if (!first) {
      if (line.empty() || (line.front() != ' ' && line.front() != '\t')) {
        return std::nullopt; // a second content line
      }
      line.remove_prefix(1);
    }
    v += line;
    first = false;
    start = crlf + 2;
  }
  return v;
}

// ---- Markdown table cell (GFM, CommonMark 0.30) ----------------------------------------------
// Backslash before ASCII punctuation is that character (2.4); &#N; is code point N (2.5);
// a raw | ends the cell, a raw line break ends the row, and a raw markup character would be
// markup.
inline std::optional<std::string> read_markdown_cell(std::string_view s) {
  const std::string_view markup = "|`*_[]<>~&";
  std::string v;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n' || c == '\r' || markup.find(c) != std::string_view::npos) {
      if (c == '&') {
        const auto semi = s.find(';', i);
        if (semi == std::string_view::npos || i + 2 >= s.size() || s[i + 1] != '#') {
          return std::nullopt;
        }
        std::uint32_t cp = 0;
        for (std::size_t k = i + 2; k < semi; ++k) {
          if (s[k] < '0' || s[k] > '9' || k - i > 9) {
            return std::nullopt;
          }
          cp = cp * 10 + static_cast<std::uint32_t>(s[k] - '0');
        }
        if (semi == i + 2) {
          return std::nullopt;
        }
        append_utf8(v, cp);
        i = semi;
        continue;
      }
      return std::nullopt;
    }
    if (c == '\\') {
      if (i + 1 >= s.size()) {
        return std::nullopt;
      }
      const char n = s[++i];
      const bool punct = (n >= '!' && n <= '/') || (n >= ':' && n <= '@') || (n >= '[' && n <= '`') || (n >= '{' && n <= '~');
      if (!punct) {
        return std::nullopt; // would be a literal backslash: the quoter always escapes one
      }
      v += n;
      continue;
    }
    v += c;
  }
  return v;
}

// ---- DNS <character-string> (RFC 1035 5.1) --------------------------------------------------
inline std::optional<std::string> read_dns_text(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
    return std::nullopt;
  }
  std::string v;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c < 0x20 || c >= 0x7F) {
      return std::nullopt; // ends early, or not zone-file text
    }
    if (c != '\\') {
      v += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      return std::nullopt;
    }
    if (s[i + 1] >= '0' && s[i + 1] <= '9') {
      if (i + 4 >= s.size()) {
        return std::nullopt;
      }
      int d = 0;
      for (std::size_t k = i + 1; k <= i + 3; ++k) {
        if (s[k] < '0' || s[k] > '9') {
          return std::nullopt;
        }
        d = d * 10 + (s[k] - '0');
      }
      if (d > 255) {
        return std::nullopt;
      }
      v += static_cast<char>(d);
      i += 3;
    } else {
      v += s[++i];
    }
  }
  return v.size() <= 255 ? std::optional<std::string>(v) : std::nullopt;
}

// ---- X.500 string value (CertStrToName, CERT_X500_NAME_STR) ---------------------------------
// Quoted: "..." with "" for "; unquoted: no , + = " \n < > # ; and no blank at either end.
inline std::optional<std::string> read_x500_value(std::string_view s) {
  if (!s.empty() && s.front() == '"') {
    std::string v;
    std::size_t i = 1;
    while (i < s.size()) {
      if (s[i] == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          v += '"';
          i += 2;
          continue;
        }
        return i + 1 == s.size() ? std::optional<std::string>(v) : std::nullopt;
      }
      v += s[i++];
    }
    return std::nullopt;
  }
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  if (s.empty() || s.find_first_of(",+=\"\n<>#;") != std::string_view::npos || blank(s.front()) || blank(s.back())) {
    return std::nullopt;
  }
  return std::string(s);
}

} // namespace quote_readers
