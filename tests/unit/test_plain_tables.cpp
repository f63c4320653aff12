// The plain [[tenant]] reader (src/topology/plain_tables.hpp, issue 18) against its oracle,
// toml++: every table it reads has the keys, values and position toml++ gives; every text
// toml++ refuses it refuses. Then the loader with it against the loader without it: a file
// whose first [[tenant]] header is written [["tenant"]] is read whole by toml++ (the prescan
// sees a quoted key), and must load exactly as the same file with its tenant tables read plain.
#include "support.hpp"
#include "topology/plain_tables.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using certplan::detail::PlainTable;
using certplan::detail::PlainTables;

// Lines a table may hold: plain ones and near misses of every kind the reader must refuse.
const std::vector<std::string> k_headers = {
    "[[tenant]]", "  [[tenant]]", "\t[[tenant]] # a comment", "[[tenant]]   ", "[[ tenant ]]", "[[tenant]]x",
    "[[tenant]] # caf\xc3\xa9", "[[\"tenant\"]]", "[[tenant]] # tab\there", "[tenant]",
};
const std::vector<std::string> k_lines = {
    "name = \"T1\"", "name=\"T2\"", "  name = \"T 3\" # c", "name = 'T4'", "name = \"T\\\"5\"", "name = \"T\\u00e96\"",
    "\"name\" = \"T7\"", "name = \"\"\"T8\"\"\"", "name = \"T9", "name = \"\"", "Name = \"T10\"", "name.x = \"T11\"",
    "name = \"a\tb\"", "name = \"caf\xc3\xa9\"", "name = \"T12\" x", "name = 12",
    "domains = [\"a.com\", \"b.net\"]", "domains = [\"a.com\",]", "domains=[ \"a.com\" , \"b.net\" ]", "domains = []",
    "domains = [\"a.com\" \"b.com\"]", "domains = [\"a.com\",,]", "domains = \"a.com\"", "domains = [\"A.COM.\"]",
    "domains = [ ]", "domains = [\"a.com\"] # two", "domains = [\"a.com\", 'b.com']", "domains = [\"a.com\"",
    "domains = [\"a.com\"]]", "domains = [[\"a.com\"]]",
    "webmail = \"webmail.a.com\"", "webmail = \"\"", "webmail=\"w.a.com\"#c", "webmail = \"w.a.com\" # caf\xc3\xa9",
    "foo = 1", "", "   ", "# a comment", "\t# tab comment", "#", "= \"x\"", "name = \"T\r13\"",
};

struct Expected {
  bool parsed = false;
  std::vector<std::optional<std::string>> names, webmails;
  std::vector<std::optional<std::vector<std::string>>> domains;
  std::vector<std::pair<unsigned, unsigned>> positions;
};

// What toml++ makes of the text, in the reader's terms (a value of another type: not plain).
Expected toml_reading(const std::string& text) {
  Expected e;
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error&) {
    return e;
  }
  e.parsed = true;
  const auto* list = root.get_as<toml::array>("tenant");
  if (list == nullptr) {
    return e;
  }
  for (const auto& node : *list) {
    const auto& t = *node.as_table();
    const auto str = [&](const char* key) -> std::optional<std::string> {
      if (const auto* s = t.get_as<std::string>(key)) {
        return s->get();
      }
      return std::nullopt;
    };
    e.names.push_back(str("name"));
    e.webmails.push_back(str("webmail"));
    std::optional<std::vector<std::string>> ds;
    if (const auto* a = t.get_as<toml::array>("domains")) {
      ds.emplace();
      for (const auto& d : *a) {
        ds->push_back(d.is_string() ? d.as_string()->get() : std::string("<not a string>"));
      }
    }
    e.domains.push_back(ds);
    e.positions.emplace_back(t.source().begin.line, t.source().begin.column);
  }
  return e;
}

} // namespace

TEST_CASE("the plain reader reads what toml++ reads, or says not plain", "[topology]") {
  std::mt19937 rng(18); // fixed: the same cases every run
  const auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::size_t read = 0, refused = 0, toml_refused = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string eol = rng() % 4 == 0 ? "\r\n" : "\n";
    std::string text;
    const std::size_t tables = 1 + rng() % 3;
    for (std::size_t k = 0; k < tables; ++k) {
      // Mostly plain tables, so that whole texts of several are read too.
      const bool plain = rng() % 3 != 0;
      text += (plain ? k_headers[rng() % 4] : pick(k_headers)) + eol;
      if (plain) {
        text += fmt::format("name = \"T{}\"{}domains = [\"t{}.com\"]{}", round, eol, k, eol);
      }
      for (std::size_t lines = rng() % 4; lines > 0; --lines) {
        text += pick(k_lines) + eol;
      }
    }
    if (rng() % 5 == 0 && text.ends_with(eol)) {
      text.resize(text.size() - eol.size()); // no line break at the end of the file
    }
    INFO("text: " << text);
    const Expected want = toml_reading(text);
    // A table counts only once the whole text is read plain (as Loader::read_plain_chunk takes them).
    PlainTables reader(text);
    std::vector<PlainTable> got;
    PlainTable t;
    PlainTables::Step step;
    while ((step = reader.next(t)) == PlainTables::Step::table) {
      got.push_back(t);
    }
    if (step != PlainTables::Step::end) {
      ++refused;
      toml_refused += want.parsed ? 0 : 1;
      continue;
    }
    ++read;
    REQUIRE(want.parsed); // never a reading of a text toml++ refuses
    REQUIRE(got.size() == want.names.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      const auto& g = got[i];
      REQUIRE(g.has_name == want.names[i].has_value());
      if (g.has_name) {
        REQUIRE(std::string(g.name) == *want.names[i]);
      }
      REQUIRE(g.has_webmail == want.webmails[i].has_value());
      if (g.has_webmail) {
        REQUIRE(std::string(g.webmail) == *want.webmails[i]);
      }
      REQUIRE(g.has_domains == want.domains[i].has_value());
      if (g.has_domains) {
        REQUIRE(std::vector<std::string>(g.domains.begin(), g.domains.end()) == *want.domains[i]);
      }
      REQUIRE(std::pair{g.line, g.column} == want.positions[i]);
    }
  }
  // Both outcomes were exercised, and so were texts toml++ refuses.
  CHECK(read > 2000);
  CHECK(refused > 3000);
  CHECK(toml_refused > 1000);
}

namespace {

const certplan::ClientCatalog& catalog() { return certplan::ClientCatalog::builtin(); }

std::string head(bool redirect_host, bool pop3) {
  std::string h = test::k_hosted_provider;
  if (pop3) {
    h += "[services.pop3]\nenabled = true\nhost = \"pop.shared.example\"\n";
  }
  h += "[hosting]\nprovider_domain = \"provider.com\"\nautodiscover = \"redirect\"\n";
  if (redirect_host) {
    h += "webmail_redirect_host = \"webmailredirect.provider.com\"\n";
  }
  return h;
}

// The topology, or the error's words and position.
std::string load(const std::string& text) {
  try {
    const auto topo = certplan::parse_topology(text, "t.toml", catalog());
    std::string out;
    for (const auto& t : topo.tenants) {
      out += t.name + "@" + t.pos.to_string() + ":";
      for (const auto& d : t.domains) {
        out += " " + d.ascii + "/" + d.display;
      }
      out += t.webmail ? " webmail " + t.webmail->ascii + "/" + t.webmail->display : "";
      out += "\n";
    }
    return out;
  } catch (const certplan::Error& e) {
    return "error: " + (e.where() ? e.where()->to_string() : std::string("-")) + " " + e.message();
  }
}

} // namespace

TEST_CASE("tenant tables read plain load as toml++ reads them whole", "[topology]") {
  // 1,200 tenants: past the loader's split (512). Each case changes one tenant, in the second
  // chunk or the first, into something read_tenant or the tenants together refuse, or that
  // normalises (upper case, a trailing dot).
  const std::vector<std::string> odd = {
      "name = \"Odd\"\ndomains = [\"ODD.Example.\"]\n",
      "name = \"Odd\"\ndomains = [\"bad_name.example\"]\n",
      "name = \"Odd\"\ndomains = [\"odd.example\", \"ODD.example\"]\n",
      "name = \"\"\ndomains = [\"odd.example\"]\n",
      "name = \"Odd\"\ndomains = []\n",
      "name = \"Odd\"\n",
      "domains = [\"odd.example\"]\n",
      "name = \"Odd\"\ndomains = [\"odd.example\"]\nwebmail = \"pop.shared.example\"\n",
      "name = \"Odd\"\ndomains = [\"odd.example\"]\nwebmail = \"bad..example\"\n",
      "name = \"Odd\"\ndomains = [\"t7.com\"]\n",          // another tenant's domain
      "name = \"T7\"\ndomains = [\"odd.example\"]\n",      // another tenant's name
      "name = \"Odd\"\ndomains = [\"provider.com\"]\n",   // the provider's domain
      "name = \"Odd\"\ndomains = [\"odd.example\"]\nwebmail = \"webmail.t7.com\"\n", // another's webmail
      "name = \"Odd\"\ndomains = [\"odd.example\"]  # kept\n\n# note\n",
      "name = \"Odd\tName\"\ndomains = [\"odd.example\"]\n", // a tab: TOML allows it, the loader does not
  };
  std::size_t errors = 0;
  for (const bool redirect_host : {true, false}) {
    for (const bool pop3 : {false, true}) {
      for (std::size_t c = 0; c < odd.size(); ++c) {
        for (const std::size_t at : {5U, 1100U}) {
          std::string tenants;
          for (std::size_t i = 0; i < 1200; ++i) {
            tenants += "[[tenant]]\n";
            tenants += i == at ? odd[c]
                               : fmt::format("name = \"T{0}\"\ndomains = [\"t{0}.com\", \"t{0}.net\"]\n{1}", i,
                                             redirect_host && i % 2 == 0 ? fmt::format("webmail = \"webmail.t{}.com\"\n", i) : "");
          }
          const std::string plain = head(redirect_host, pop3) + tenants;
          std::string whole = plain;
          const auto first = whole.find("[[tenant]]");
          whole.replace(first, 10, "[[\"tenant\"]]"); // same table, same column of its '['
          INFO("case " << c << " at " << at << " redirect_host " << redirect_host << " pop3 " << pop3);
          const std::string got = load(plain);
          REQUIRE(got == load(whole));
          errors += got.starts_with("error: ") ? 1 : 0;
        }
      }
    }
  }
  CHECK(errors > 20); // the refusals were reached, not only the clean files
}
