// One quoter per output language (include/certplan/quote.hpp). Hand-written: none of our
// libraries quotes for PowerShell, openssl config, RFC 1035, CSV, Markdown or iCalendar;
// toml++ can format a TOML string, but its formatter picks literal or basic strings by content
// and the tenant editor wants one predictable form (and no toml++ types outside the loader).
#include <certplan/error.hpp>
#include <certplan/quote.hpp>

#include <fmt/format.h>

namespace certplan::quote {
namespace {

// One UTF-8 sequence at `i`: its code point and length. A byte that does not start a valid
// sequence counts as one character of its own (U+FFFD), so every input can be walked.
std::pair<char32_t, std::size_t> decode(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    return {c, 1};
  }
  const std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) {
    return {0xFFFD, 1};
  }
  char32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      return {0xFFFD, 1};
    }
    cp = cp << 6 | (b(i + k) & 0x3F);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return {0xFFFD, 1};
  }
  return {cp, n};
}

bool is_control(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

// U+2018 LEFT, U+2019 RIGHT, U+201A LOW-9 and U+201B HIGH-REVERSED-9 SINGLE QUOTATION MARK.
bool is_ps_single_quote(char32_t c) {
  return c == '\'' || (c >= 0x2018 && c <= 0x201B);
}

[[noreturn]] void refuse(std::string_view language, char32_t c) {
  throw Error(ErrorKind::input, fmt::format("{} cannot hold the control character {}", language, code_point_name(c)));
}

void refuse_controls(std::string_view language, std::string_view s) {
  if (const auto c = find_control(s)) {
    refuse(language, c->code_point);
  }
}

} // namespace

std::optional<Control> find_control(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    if (is_control(cp)) {
      return Control{i, cp};
    }
    i += n;
  }
  return std::nullopt;
}

std::string code_point_name(char32_t c) {
  return fmt::format("U+{:04X}", static_cast<std::uint32_t>(c));
}

std::string posix_shell(std::string_view s) {
  std::string out = "'";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      throw Error(ErrorKind::input, fmt::format("a shell argument cannot hold the control character {}: \"{}\"",
                                                code_point_name(u), std::string(s.substr(0, 40))));
    }
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string powershell(std::string_view s) {
  std::string out = "'";
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    const std::string_view ch = s.substr(i, n);
    out += ch;
    if (is_ps_single_quote(cp)) {
      out += ch;
    }
    i += n;
  }
  return out + "'";
}

std::string powershell_list(const std::vector<std::string>& items) {
  if (items.empty()) {
    return "@()"; // the empty array (about_Arrays)
  }
  std::string out;
  for (const auto& item : items) {
    out += out.empty() ? "" : ", ";
    out += powershell(item);
  }
  return out;
}

std::string comment(std::string_view s) {
  refuse_controls("a comment", s);
  return std::string(s);
}

std::string x500_value(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  const bool quoted = s.empty() || space(s.front()) || space(s.back()) ||
                      s.find_first_of(",+=\"\n<>#;") != std::string_view::npos;
  if (!quoted) {
    return std::string(s);
  }
  std::string out = "\"";
  for (const char c : s) {
    out += c == '"' ? std::string_view("\"\"") : std::string_view(&c, 1);
  }
  return out + "\"";
}

std::string openssl_value(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      refuse("an openssl config value", u);
    }
  }
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

std::string dns_text(std::string_view s) {
  if (s.size() > 255) {
    throw Error(ErrorKind::input, fmt::format("a DNS <character-string> holds at most 255 octets, not {}", s.size()));
  }
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7F) {
      out += fmt::format("\\{:03d}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string csv_field(std::string_view s) {
  const bool formula = !s.empty() && std::string_view("=+-@\t\r'").find(s.front()) != std::string_view::npos;
  std::string v = formula ? "'" + std::string(s) : std::string(s);
  const bool quoted = v.find_first_of(",\"\r\n") != std::string::npos || (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quoted) {
    return v;
  }
  std::string out = "\"";
  for (const char c : v) {
    out += c == '"' ? std::string_view("\"\"") : std::string_view(&c, 1);
  }
  return out + "\"";
}

std::string markdown_cell(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    if (is_control(cp)) {
      out += fmt::format("&#{};", static_cast<std::uint32_t>(cp));
    } else {
      if (n == 1 && std::string_view("\\|`*_[]<>~&").find(s[i]) != std::string_view::npos) {
        out += '\\';
      }
      out += s.substr(i, n);
    }
    i += n;
  }
  return out;
}

std::string ics_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    const char c = s[i];
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\t' && (cp < 0x20 || cp == 0x7F)) {
      out += "\xEF\xBF\xBD"; // U+FFFD
    } else {
      out += s.substr(i, n);
    }
    i += n;
  }
  return out;
}

std::string ics_fold(std::string_view line) {
  // 75 octets on the first line; a continuation line's leading space counts, so 74 after it.
  std::string out;
  std::size_t used = 0;
  std::size_t limit = 75;
  for (std::size_t i = 0; i < line.size();) {
    std::size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80 && n < 4) {
      ++n;
    }
    if (used + n > limit) {
      out += "\r\n ";
      used = 1;
    }
    out += line.substr(i, n);
    used += n;
    i += n;
  }
  return out + "\r\n";
}

std::string prometheus_label(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    out += c == '\\' ? std::string_view("\\\\") : c == '"' ? std::string_view("\\\"") : c == '\n' ? std::string_view("\\n")
                                                                                                 : std::string_view(&c, 1);
  }
  return out + "\"";
}

namespace {

// `s` with every control character (find_control's set) replaced by `with`, and '|' by `bar`.
std::string nagios_clean(std::string_view s, char with, char bar) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    if (is_control(cp)) {
      out += with;
    } else if (s[i] == '|') {
      out += bar;
    } else {
      out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

} // namespace

std::string nagios_text(std::string_view s) { return nagios_clean(s, ' ', '/'); }

std::string nagios_label(std::string_view s) {
  std::string out = "'";
  for (const char c : nagios_clean(s, '_', '_')) {
    out += c == '\'' ? std::string_view("''") : c == '=' ? std::string_view("_") : std::string_view(&c, 1);
  }
  return out + "'";
}

std::string toml_basic(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\f': out += "\\f"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7F) {
        out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
      } else {
        out += ch;
      }
    }
  }
  return out + "\"";
}

} // namespace certplan::quote
