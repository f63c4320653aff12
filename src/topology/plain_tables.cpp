#include "topology/plain_tables.hpp"

#include <array>
#include <cstring>

namespace certplan::detail {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// Byte classes, looked up (issue 18: every byte of 100,000 tables passes one of these).
struct Classes {
  // Printable ASCII but the two characters a basic string escapes or ends on (TOML 1.0: a
  // basic string may also hold a tab and non-ASCII, which are left to toml++).
  std::array<bool, 256> string{};
  std::array<bool, 256> bare_key{}; // A-Za-z0-9_- (TOML 1.0)
  std::array<bool, 256> comment{};  // tab and printable ASCII
};
constexpr Classes k_classes = [] {
  Classes t;
  for (unsigned b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    t.string[b] = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
    t.bare_key[b] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    t.comment[b] = c == '\t' || (c >= 0x20 && c <= 0x7e);
  }
  return t;
}();

// One line without its line break, read from left to right.
class Cursor {
public:
  explicit Cursor(std::string_view line) : m_s(line) {}

  std::size_t at() const { return m_i; }
  bool done() const { return m_i == m_s.size(); }
  char peek() const { return done() ? '\0' : m_s[m_i]; }
  void skip_blanks() {
    while (!done() && blank(m_s[m_i])) {
      ++m_i;
    }
  }
  bool eat(char c) {
    if (peek() != c || done()) {
      return false;
    }
    ++m_i;
    return true;
  }
  bool eat(std::string_view word) {
    if (!m_s.substr(m_i).starts_with(word)) {
      return false;
    }
    m_i += word.size();
    return true;
  }
  std::string_view bare_key() {
    const std::size_t from = m_i;
    over(k_classes.bare_key);
    return m_s.substr(from, m_i - from);
  }
  // A plain basic string's contents, or false.
  bool string(std::string_view& out) {
    if (!eat('"')) {
      return false;
    }
    const std::size_t from = m_i;
    over(k_classes.string);
    if (!eat('"')) { // the end of the line, or a character that is not plain
      return false;
    }
    out = m_s.substr(from, m_i - 1 - from);
    return true;
  }
  // Blanks, then nothing or a comment of tabs and printable ASCII, to the end of the line.
  bool rest_is_blank_or_comment() {
    skip_blanks();
    if (done()) {
      return true;
    }
    if (m_s[m_i] != '#') {
      return false;
    }
    ++m_i;
    over(k_classes.comment);
    return done();
  }

private:
  void over(const std::array<bool, 256>& cls) {
    while (m_i < m_s.size() && cls[static_cast<unsigned char>(m_s[m_i])]) {
      ++m_i;
    }
  }

  std::string_view m_s;
  std::size_t m_i = 0;
};

// A one-line array of plain strings: [ "a" , "b" , ] (TOML 1.0 allows the trailing comma).
bool string_array(Cursor& c, std::vector<std::string_view>& out) {
  if (!c.eat('[')) {
    return false;
  }
  c.skip_blanks();
  while (!c.eat(']')) {
    std::string_view s;
    if (!c.string(s)) {
      return false;
    }
    out.push_back(s);
    c.skip_blanks();
    if (c.eat(',')) {
      c.skip_blanks();
    } else if (c.peek() != ']') {
      return false;
    }
  }
  return true;
}

} // namespace

PlainTables::Step PlainTables::next(PlainTable& t) {
  if (m_pos == m_text.size()) {
    return Step::end;
  }
  t.name = t.webmail = {};
  t.domains.clear();
  t.has_name = t.has_domains = t.has_webmail = false;
  bool header = true;
  while (m_pos < m_text.size()) {
    // The line at m_pos, without "\n" or "\r\n" (a CR elsewhere is not plain: no rule takes it).
    const char* nl = static_cast<const char*>(std::memchr(m_text.data() + m_pos, '\n', m_text.size() - m_pos));
    const std::size_t eol = nl == nullptr ? m_text.size() : static_cast<std::size_t>(nl - m_text.data());
    std::string_view line = m_text.substr(m_pos, eol - m_pos);
    if (nl != nullptr && line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    Cursor c(line);
    c.skip_blanks();
    if (c.peek() == '[' && !c.done()) {
      if (!header) {
        return Step::table; // the next table's header: read by the next call
      }
      t.line = m_line;
      t.column = static_cast<unsigned>(c.at() + 1);
      if (!c.eat("[[tenant]]") || !c.rest_is_blank_or_comment()) {
        return Step::not_plain;
      }
      header = false;
    } else if (header) {
      return Step::not_plain; // a key before any header: the text does not start a table
    } else if (!c.rest_is_blank_or_comment()) {
      const std::string_view key = c.bare_key();
      c.skip_blanks();
      if (!c.eat('=')) {
        return Step::not_plain; // a dotted key, a quoted key, or no key at all
      }
      c.skip_blanks();
      bool read = false;
      if (key == "name" && !t.has_name) {
        t.has_name = read = c.string(t.name);
      } else if (key == "webmail" && !t.has_webmail) {
        t.has_webmail = read = c.string(t.webmail);
      } else if (key == "domains" && !t.has_domains) {
        t.has_domains = read = string_array(c, t.domains);
      }
      if (!read || !c.rest_is_blank_or_comment()) {
        return Step::not_plain; // another key, a key given twice, or a value not plain
      }
    }
    m_pos = nl == nullptr ? m_text.size() : eol + 1;
    ++m_line;
  }
  return header ? Step::not_plain : Step::table;
}

} // namespace certplan::detail
