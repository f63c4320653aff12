// The prescan (src/topology/prescan.cpp) against toml++ on generated documents: the header
// lines it finds are the lines where toml++'s tables begin with a header, each at the start of
// its line, [[tenant]] exactly where toml++ has an element of the tenant array, and its line
// count is the text's. Brackets, quotes and '#' inside strings, comments and multi-line strings
// (a "[[tenant]]" line among them) must not fool it.
#include "support.hpp"
#include "topology/prescan.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

struct Headers {
  std::set<unsigned> lines, tenant_lines;
};

// Lines holding a header, from toml++'s tables (a table begins at its header's line; one made
// by a dotted key begins at the key, whose line does not start with '[').
void collect(const toml::node& n, const std::vector<std::string>& lines, Headers& out) {
  if (const auto* t = n.as_table()) {
    const unsigned line = t->source().begin.line;
    if (!t->is_inline() && line >= 1 && line <= lines.size()) {
      const auto& text = lines[line - 1];
      const auto first = text.find_first_not_of(" \t");
      if (first != std::string::npos && text[first] == '[') {
        out.lines.insert(line);
      }
    }
    for (const auto& [k, v] : *t) {
      (void)k;
      collect(v, lines, out);
    }
  } else if (const auto* a = n.as_array()) {
    for (const auto& e : *a) {
      collect(e, lines, out);
    }
  }
}

} // namespace

TEST_CASE("the prescan finds the headers toml++ finds, and no others", "[topology]") {
  std::mt19937 rng(18);
  std::size_t documents = 0, with_tenants = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string eol = rng() % 4 == 0 ? "\r\n" : "\n";
    std::string text;
    unsigned key = 0, table = 0;
    const auto value = [&]() -> std::string {
      switch (rng() % 11) {
      case 0: return "\"str [[tenant]] # 'q' [x]\"";
      case 1: return "'lit \"q\" [x] # no comment'";
      case 2: return "\"\"\"" + eol + "[[tenant]]" + eol + "  [a.b] \"\" # \"\"\"";
      case 3: return "'''" + eol + "[not.a.header]" + eol + "'''";
      case 4: return "\"esc \\\" [ # \\\\\"";
      case 5: return "[1, 2, [3]]";
      case 6: return "[" + eol + "  \"a\", # c [x]" + eol + "  'b'," + eol + "]";
      case 7: return "\"\"\"line-ending backslash \\" + eol + "  [[tenant]] continued\"\"\"";
      case 8: return "{ x = \"[y]\", z = [1] }";
      case 9: return "12 # [[tenant]] in a comment";
      default: return "true";
      }
    };
    for (std::size_t parts = 1 + rng() % 12; parts > 0; --parts) {
      switch (rng() % 6) {
      case 0:
        text += fmt::format("[t{}]{}", table++, eol);
        break;
      case 1:
        text += (rng() % 2 ? "[[tenant]]" : "  [[tenant]]  # a tenant") + eol;
        break;
      case 2:
        text += fmt::format("[ d{}.e ]{}", table++, eol);
        break;
      case 3:
        text += fmt::format("[[s{}.server]]{}", table++, eol);
        break;
      case 4:
        text += "# [[tenant]] \" ' commented out" + eol + eol;
        break;
      default:
        text += fmt::format("k{} = {}{}", key++, value(), eol);
        break;
      }
    }
    toml::table root;
    try {
      root = toml::parse(text);
    } catch (const toml::parse_error& e) {
      FAIL("the generator wrote bad TOML: " << e.description() << "\n" << text);
    }
    std::vector<std::string> lines;
    for (std::size_t at = 0;;) {
      const auto nl = text.find('\n', at);
      lines.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
      if (nl == std::string::npos) {
        break;
      }
      at = nl + 1;
    }
    Headers want;
    collect(root, lines, want);
    if (const auto* tenants = root.get_as<toml::array>("tenant")) {
      for (const auto& e : *tenants) {
        want.tenant_lines.insert(e.source().begin.line);
      }
      ++with_tenants;
    }
    const auto layout = certplan::detail::prescan(text, "t.toml", 1000);
    INFO(text);
    Headers got;
    for (const auto& h : layout.headers) {
      REQUIRE(h.line >= 1);
      REQUIRE(h.line <= lines.size());
      // The offset is the start of the header's line.
      REQUIRE((h.offset == 0 || text[h.offset - 1] == '\n'));
      REQUIRE(std::count(text.begin(), text.begin() + static_cast<long>(h.offset), '\n') + 1 == h.line);
      got.lines.insert(h.line);
      if (h.tenant) {
        got.tenant_lines.insert(h.line);
      }
    }
    REQUIRE(got.lines == want.lines);
    REQUIRE(got.tenant_lines == want.tenant_lines);
    REQUIRE(layout.tenants == want.tenant_lines.size());
    REQUIRE(layout.lines == std::count(text.begin(), text.end(), '\n') + 1);
    ++documents;
  }
  CHECK(documents == 3000);
  CHECK(with_tenants > 1000);
}
