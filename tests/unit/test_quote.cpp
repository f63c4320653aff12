// Issue 13: every quoter's output, read back by a reference reader written from the
// consuming program's spec (tests/quote_readers.hpp), is exactly one literal equal to the
// input. Random strings from a fixed seed, weighted towards what breaks quoting.
#include <certplan/error.hpp>
#include <certplan/quote.hpp>
#include <certplan/resources.hpp>

#include "quote_readers.hpp"

#include <catch2/catch.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <random>

namespace q = certplan::quote;
namespace r = quote_readers;

namespace {

constexpr int k_cases = 4000;

// Every quote and dash PowerShell knows (its CharExtensions: IsSingleQuote, IsDoubleQuote,
// IsDash), what starts code in PowerShell, openssl, CSV, Markdown, TOML and iCalendar, line
// breaks in every form, NUL and the rest of C0, DEL, C1.
const std::vector<char32_t> k_hostile = {
    '\'', '"', '`', 0x2018, 0x2019, 0x201A, 0x201B, 0x201C, 0x201D, 0x201E, 0x2013, 0x2014, 0x2015, '-',
    '$', '(', ')', '@', '{', '}', ';', '|', '&', '#', '\\', ',', '=', '+', '<', '>', '*', '_', '[', ']', '~', '!', ' ',
    '\n', '\r', '\t', 0, 0x01, 0x1B, 0x7F, 0x85, 0x9F, 0x2028, 0x2029, 0xA0, 0xFEFF, 'a', 'Z', '7', 0xE9, 0x1F600, '.',
    ':', '%', '^', '/'};

class Strings {
public:
  explicit Strings(std::uint32_t seed) : m_rng(seed) {}

  std::string next() {
    std::string s;
    const int n = std::uniform_int_distribution<int>(0, 24)(m_rng);
    for (int i = 0; i < n; ++i) {
      const int kind = std::uniform_int_distribution<int>(0, 9)(m_rng);
      if (kind < 6) {
        r::append_utf8(s, k_hostile[std::uniform_int_distribution<std::size_t>(0, k_hostile.size() - 1)(m_rng)]);
      } else if (kind < 8) {
        static const std::vector<std::string_view> k_tokens = {"$(", "@(", "$env:PATH", "'; calc; '", "\"; Start-Process x; \"",
                                                               "\u2019; calc; \u2019", "=cmd|' /C calc'!A0", "${x}", "\r\n"};
        s += k_tokens[std::uniform_int_distribution<std::size_t>(0, k_tokens.size() - 1)(m_rng)];
      } else {
        char32_t c = std::uniform_int_distribution<char32_t>(0x20, 0x10FFFF)(m_rng);
        if (c >= 0xD800 && c <= 0xDFFF) {
          c = 'x';
        }
        r::append_utf8(s, c);
      }
    }
    return s;
  }

private:
  std::mt19937 m_rng;
};

// The input with what ics_text replaces (C0 but TAB and LF, DEL) as U+FFFD.
std::string ics_expected(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\t' && c != '\n') || u == 0x7F ? std::string("\xEF\xBF\xBD") : std::string(1, c);
  }
  return out;
}

bool has_c0_or_del(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

} // namespace

TEST_CASE("PowerShell: one single-quoted literal equal to the input", "[quote]") {
  CHECK(q::powershell("Contoso\"; Start-Process x; \"") == "'Contoso\"; Start-Process x; \"'");
  CHECK(q::powershell("\xE2\x80\x99; calc; \xE2\x80\x99") == "'\xE2\x80\x99\xE2\x80\x99; calc; \xE2\x80\x99\xE2\x80\x99'");
  CHECK(q::powershell("") == "''");
  CHECK(q::powershell_list({}) == "@()");
  Strings gen(13);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    REQUIRE(r::read_powershell(q::powershell(s)) == s);
    // A list is literals separated by ", " and nothing else outside them.
    const auto t = r::ps_tokenize(q::powershell_list({s, s + "x"}));
    REQUIRE_FALSE(t.unterminated);
    REQUIRE(t.literals == std::vector<std::string>{s, s + "x"});
    REQUIRE(t.outside == ", ");
  }
}

TEST_CASE("X.500 values read back whole inside a PowerShell literal", "[quote]") {
  CHECK(q::x500_value("Contoso, Inc.") == "\"Contoso, Inc.\"");
  CHECK(q::x500_value("Contoso") == "Contoso");
  Strings gen(14);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    const auto x = q::x500_value(s);
    REQUIRE(r::read_x500_value(x) == s);
    REQUIRE(r::read_powershell(q::powershell("O=" + x)) == "O=" + x);
  }
}

TEST_CASE("openssl config values: one quoted value, $ and # stay text", "[quote]") {
  CHECK(q::openssl_value("a$b#c\"d\\") == R"("a$b#c\"d\\")");
  CHECK_THROWS_AS(q::openssl_value("a\nb"), certplan::Error);
  Strings gen(15);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    if (has_c0_or_del(s)) {
      REQUIRE_THROWS_AS(q::openssl_value(s), certplan::Error);
      continue;
    }
    REQUIRE(r::read_openssl_value(" " + q::openssl_value(s) + " ") == s);
  }
}

TEST_CASE("CSV fields: one RFC 4180 field, formulas neutralised", "[quote]") {
  CHECK(q::csv_field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(q::csv_field("-1") == "'-1");
  CHECK(q::csv_field("mail.contoso.com") == "mail.contoso.com");
  Strings gen(16);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    const auto f = q::csv_field(s);
    REQUIRE(r::read_csv(f) == s);
    // As the second field of a record, it stays one field.
    const auto record = "x," + f;
    REQUIRE(r::read_csv(std::string_view(record).substr(2)) == s);
  }
}

TEST_CASE("TOML basic strings: the reference reader and toml++ both read the input back", "[quote]") {
  Strings gen(17);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    const auto t = q::toml_basic(s);
    REQUIRE(r::read_toml_basic(t) == s);
    const auto doc = toml::parse("v = " + t + "\n");
    REQUIRE(doc["v"].value<std::string>() == s);
  }
}

TEST_CASE("Prometheus label values read back whole", "[quote]") {
  Strings gen(18);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    REQUIRE(r::read_prometheus_label(q::prometheus_label(s)) == s);
  }
}

TEST_CASE("iCalendar TEXT: escaped, folded, read back", "[quote]") {
  CHECK(q::ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne");
  Strings gen(19);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next() + gen.next() + gen.next() + gen.next();
    INFO("input: " << s);
    const auto text = q::ics_text(s);
    REQUIRE(r::read_ics_text(text) == ics_expected(s));
    const auto line = "DESCRIPTION:" + text;
    REQUIRE(r::ics_unfold(q::ics_fold(line)) == line);
  }
}

TEST_CASE("Markdown cells: no markup, no cell or row end", "[quote]") {
  CHECK(q::markdown_cell("a|b") == "a\\|b");
  CHECK(q::markdown_cell("*.contoso.com") == "\\*.contoso.com");
  Strings gen(20);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    REQUIRE(r::read_markdown_cell(q::markdown_cell(s)) == s);
  }
}

TEST_CASE("DNS character-strings read back byte for byte", "[quote]") {
  CHECK(q::dns_text("v=spf1 \"x\"") == R"("v=spf1 \"x\"")");
  CHECK_THROWS_AS(q::dns_text(std::string(256, 'a')), certplan::Error);
  Strings gen(21);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    REQUIRE(r::read_dns_text(q::dns_text(s)) == s);
  }
}

TEST_CASE("comments refuse every control character and keep the rest", "[quote]") {
  Strings gen(22);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    if (q::find_control(s)) {
      REQUIRE_THROWS_AS(q::comment(s), certplan::Error);
    } else {
      REQUIRE(q::comment(s) == s);
    }
  }
  CHECK(q::find_control("a\xC2\x85")->code_point == 0x85);
  CHECK(q::find_control("a\xE2\x80\xA8")->offset == 1);
  CHECK_FALSE(q::find_control("caf\xC3\xA9 \xE2\x80\x99"));
}

TEST_CASE("templates refuse a placeholder without a language", "[quote]") {
  const q::Values v{{"name", std::string("O'Brien")}, {"port", std::string("80")}};
  CHECK(q::expand("t", "-Name {{ps:name}} -Port {{int:port}} { $_ }", v) == "-Name 'O''Brien' -Port 80 { $_ }");
  const auto internal = [&](std::string_view text) {
    try {
      q::expand("t", text, v);
    } catch (const certplan::Error& e) {
      return e.kind() == certplan::ErrorKind::internal;
    }
    return false;
  };
  CHECK(internal("-Name {{name}}"));
  CHECK(internal("-Name {{raw:name}}"));
  CHECK(internal("-Name {{ps:missing}}"));
  CHECK(internal("-Port {{int:name}}"));
  CHECK(internal("-Name {{ps:name"));
  CHECK(q::expand("t", "{{openssl-section:dn}}", {{"dn", q::Pairs{{"O", "a$b"}, {"CN", "x"}}}}) ==
        "O = \"a$b\"\nCN = \"x\"\n");
  CHECK(internal("{{openssl-section:dn}}"));
  try {
    q::expand("t", "{{openssl-section:dn}}", {{"dn", q::Pairs{{"O = x\n[ req ]\nCN", "x"}}}});
    FAIL("a key with a line break was written");
  } catch (const certplan::Error& e) {
    CHECK(e.kind() == certplan::ErrorKind::internal);
  }
}

TEST_CASE("every placeholder of every compiled-in template names a language", "[quote]") {
  int seen = 0;
  for (const auto& [path, text] : certplan::embedded_resources()) {
    if (!path.starts_with("templates/") || path.starts_with("templates/init/")) {
      continue;
    }
    INFO(path);
    for (auto open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", open + 2)) {
      const auto close = text.find("}}", open);
      REQUIRE(close != std::string_view::npos);
      const auto inner = text.substr(open + 2, close - open - 2);
      const auto language = inner.substr(0, inner.find(':'));
      CHECK((language == "ps" || language == "sh" || language == "int" || language == "comment" ||
             language == "openssl-section"));
      CHECK(inner.find(':') != std::string_view::npos);
      ++seen;
    }
    // The old fmt form {name} must not survive anywhere: it would now be copied as text.
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
      if (text[i] == '{' && text[i + 1] != '{' && (i == 0 || text[i - 1] != '{')) {
        CHECK(text.substr(i, 2) != "{}");
        const auto close = text.find('}', i);
        const auto word = text.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1);
        CHECK_FALSE((!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos));
      }
    }
  }
  CHECK(seen > 20);
}

// XCU 2.2.2: inside '...' every character is literal and ' ends it; outside, \' is a quote.
std::string read_shell_word(std::string_view w) {
  std::string out;
  bool in = false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == '\'') {
      in = !in;
    } else if (!in && w[i] == '\\' && i + 1 < w.size()) {
      out += w[++i];
    } else {
      REQUIRE(in); // nothing of the value may be outside the quotes
      out += w[i];
    }
  }
  REQUIRE_FALSE(in);
  return out;
}

TEST_CASE("POSIX shell: one single-quoted word, control characters refused", "[quote]") {
  CHECK(q::posix_shell("redmond.key") == "'redmond.key'");
  CHECK(q::posix_shell("it's") == "'it'\\''s'");
  CHECK(q::posix_shell("") == "''");
  CHECK(q::posix_shell("$(calc) `x` \"y\" \\ ; & |") == "'$(calc) `x` \"y\" \\ ; & |'");
  CHECK_THROWS_AS(q::posix_shell("a\nb"), certplan::Error);
  CHECK_THROWS_AS(q::posix_shell(std::string("a\0b", 3)), certplan::Error);
  CHECK_THROWS_AS(q::posix_shell("a\x7f"), certplan::Error);
  Strings gen(29);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    if (q::find_control(s) || std::any_of(s.begin(), s.end(), [](char c) { return c == 0x7f; })) {
      continue;
    }
    const auto w = q::posix_shell(s);
    CHECK(w.find_first_of("\n\r") == std::string::npos);
    CHECK(read_shell_word(w) == s);
  }
}

TEST_CASE("Nagios: '|' and line breaks cannot end the status line, labels quoted", "[quote]") {
  // Monitoring Plugins Development Guidelines, "Plugin Output" and "Performance data".
  CHECK(q::nagios_text("a|b\nc") == "a/b c");
  CHECK(q::nagios_text("caf\xc3\xa9 \xe2\x80\xa8x") == "caf\xc3\xa9  x");
  CHECK(q::nagios_label("mail.contoso.com:443") == "'mail.contoso.com:443'");
  CHECK(q::nagios_label("it's=a|b\r") == "'it''s_a_b_'");
  Strings gen(23);
  for (int i = 0; i < k_cases; ++i) {
    const auto s = gen.next();
    INFO("input: " << s);
    const auto text = q::nagios_text(s);
    CHECK(text.find('|') == std::string::npos);
    CHECK(!q::find_control(text));
    const auto label = q::nagios_label(s);
    const auto inner = label.substr(1, label.size() - 2);
    CHECK(inner.find('=') == std::string::npos);
    CHECK(!q::find_control(label));
    // Every quote inside is doubled: after removing the pairs none is left.
    std::string unpaired = inner;
    for (std::size_t at; (at = unpaired.find("''")) != std::string::npos;) {
      unpaired.erase(at, 2);
    }
    CHECK(unpaired.find('\'') == std::string::npos);
  }
}
