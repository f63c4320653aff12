// Loader errors: one case per error kind, each asserting file:line:column (topology.md).
#include "support.hpp"

#include <fmt/format.h>

using certplan::Error;
using certplan::ErrorKind;

namespace {

std::string with(std::string_view extra) { return std::string(test::k_consolidated) + std::string(extra); }

} // namespace

TEST_CASE("a valid topology loads with normalised names", "[topology][load]") {
  const auto t = test::topo(with("[clients]\nsupported = [\"outlook-2016\"]\n"));
  REQUIRE(t.organization.name == "Contoso");
  REQUIRE(t.organization.model == certplan::Model::consolidated);
  REQUIRE(t.forests.size() == 1);
  REQUIRE(t.forests[0].smtp_domains[1].ascii == "contoso.co.uk");
  REQUIRE(t.sites[0].forest == "contoso"); // implied when there is one forest
  REQUIRE(t.sites[0].ns->ascii == "mail.contoso.com");
  REQUIRE(t.clients.size() == 1);
  REQUIRE(t.services.mapi); // default on for 2016
  REQUIRE(t.services.ecp);
}

TEST_CASE("TOML syntax errors carry the parser's position", "[topology][load]") {
  const auto e = test::load_error("schema = 1\n[organization]\nname = \"Contoso\n");
  REQUIRE(e.starts_with("t.toml:3:"));
  REQUIRE(e.find("TOML syntax") != std::string::npos);
}

TEST_CASE("unknown keys name the key, its table and the allowed keys", "[topology][load]") {
  auto text = std::string(test::k_consolidated);
  text.replace(text.find("exchange = \"2016\""), 17, "exchnage = \"2016\"");
  const auto e = test::load_error(text);
  REQUIRE(e.starts_with("t.toml:4:1: unknown key 'exchnage' in [organization]"));
  REQUIRE(e.find("allowed keys: name, exchange, model") != std::string::npos);
}

TEST_CASE("unknown keys in nested tables are errors too", "[topology][load]") {
  const auto e = test::load_error(with("[certificates]\nstrategy = \"san\"\n  [certificates.subject]\n  contry = \"US\"\n"));
  REQUIRE(e.starts_with("t.toml:24:3: unknown key 'contry' in [certificates.subject]"));
}

TEST_CASE("wrong types name the key and both types", "[topology][load]") {
  const auto e = test::load_error(with("[certificates]\nmax_names = \"100\"\n"));
  REQUIRE(e == "t.toml:22:13: 'max_names' must be an integer, not a string");
}

TEST_CASE("bad enumerations list the allowed values", "[topology][load]") {
  const auto e = test::load_error(with("[certificates]\nstrategy = \"wildcards\"\n"));
  REQUIRE(e.starts_with("t.toml:22:12: 'strategy' must be one of auto | san | wildcard | single-name"));
}

TEST_CASE("missing required keys point at their table", "[topology][load]") {
  auto text = std::string(test::k_consolidated);
  text.erase(text.find("model = \"consolidated\"\n"), 23);
  const auto e = test::load_error(text);
  REQUIRE(e == "t.toml:2:1: missing required key 'model' in [organization]");
}

TEST_CASE("a missing schema is reported at the top of the file", "[topology][load]") {
  auto text = std::string(test::k_consolidated);
  text.erase(0, 11);
  REQUIRE(test::load_error(text).starts_with("t.toml:1:1: missing required key 'schema'"));
}

TEST_CASE("dangling references name what exists", "[topology][load]") {
  const auto e = test::load_error(with("[[site]]\nname = \"Boston\"\nforest = \"contosso\"\ninternet_facing = false\n"));
  REQUIRE(e == "t.toml:23:10: site 'Boston' names forest 'contosso', which is not defined (forests: contoso)");
}

TEST_CASE("duplicate ids point at the second and name the first", "[topology][load]") {
  const auto e = test::load_error(with("[[site]]\nname = \"NewYork\"\ninternet_facing = false\n"));
  REQUIRE(e == "t.toml:22:8: duplicate site name 'NewYork' (first defined at t.toml:12:1)");
}

TEST_CASE("invalid host names say why", "[topology][load]") {
  SECTION("empty label") {
    auto text = std::string(test::k_consolidated);
    text.replace(text.find("\"mail.contoso.com\""), 18, "\"mail..contoso.com\"");
    REQUIRE(test::load_error(text) == "t.toml:15:13: invalid host name \"mail..contoso.com\" for 'namespace': empty label");
  }
  SECTION("an IP address") {
    auto text = std::string(test::k_consolidated);
    text.replace(text.find("\"mail.contoso.com\""), 18, "\"203.0.113.5\"");
    REQUIRE(test::load_error(text) ==
            "t.toml:15:13: invalid host name \"203.0.113.5\" for 'namespace': an IP address is not a host name");
  }
  SECTION("an array element keeps its own column") {
    auto text = std::string(test::k_consolidated);
    text.replace(text.find("\"contoso.co.uk\""), 15, "\"contoso_uk\"");
    REQUIRE(test::load_error(text).starts_with("t.toml:10:32: invalid host name \"contoso_uk\" for 'smtp_domains'"));
  }
}

TEST_CASE("unknown client ids list the known ones", "[topology][load]") {
  const auto e = test::load_error(with("[clients]\nsupported = [\"outlook-2016\", \"outlook-2099\"]\n"));
  REQUIRE(e.starts_with("t.toml:22:30: unknown client \"outlook-2099\"; known clients: "));
  REQUIRE(e.find("windows-mobile-5") != std::string::npos);
}

TEST_CASE("internal names on a public certificate are refused at the key (R6)", "[topology][load]") {
  const auto e = test::load_error(with("[certificates]\ninclude_internal_names = true\n"));
  REQUIRE(e.starts_with("t.toml:22:26: 'include_internal_names = true' needs authority"));
}

TEST_CASE("model constraints are input errors with a position", "[topology][load]") {
  SECTION("consolidated has one site") {
    REQUIRE(test::load_error(with("[[site]]\nname = \"Boston\"\ninternet_facing = false\n"))
                .starts_with("t.toml:21:1: model \"consolidated\" has exactly one site"));
  }
  SECTION("regional namespaces are distinct") {
    auto text = with("[[site]]\nname = \"Boston\"\nnamespace = \"mail.contoso.com\"\n");
    text.replace(text.find("\"consolidated\""), 14, "\"regional\"");
    REQUIRE(test::load_error(text).starts_with("t.toml:23:13: model \"regional\": each internet-facing site"));
  }
  SECTION("tenants only in the hosted model") {
    REQUIRE(test::load_error(with("[[tenant]]\nname = \"T\"\ndomains = [\"t.com\"]\n"))
                .starts_with("t.toml:21:1: [[tenant]] is only allowed with model = \"hosted\""));
  }
  SECTION("MAPI over HTTP needs 2013 or later") {
    auto text = with("[services]\nmapi = true\n");
    text.replace(text.find("\"2016\""), 6, "\"2010\"");
    REQUIRE(test::load_error(text) == "t.toml:22:8: 'mapi' (MAPI over HTTP) needs Exchange 2013 SP1 or later");
  }
}

TEST_CASE("load errors are of kind input", "[topology][load]") {
  try {
    test::topo("schema = 2\n");
    FAIL("no error");
  } catch (const Error& e) {
    REQUIRE(e.kind() == ErrorKind::input);
    REQUIRE(e.where()->line == 1);
    REQUIRE(e.where()->column == 10);
  }
}

TEST_CASE("a missing file is an input error naming the file", "[topology][load]") {
  REQUIRE_THROWS_AS(certplan::load_topology("/nonexistent/x.toml", certplan::ClientCatalog::builtin()), Error);
}

TEST_CASE("control characters in any string are refused with their position (issue 13)", "[topology][load]") {
  for (const auto* esc : {"\\n", "\\r", "\\t", "\\u0000", "\\u001b", "\\u007f", "\\u0085", "\\u2028", "\\u2029"}) {
    INFO(esc);
    const auto e = test::load_error(
        with(std::string("[certificates]\n  [certificates.subject]\n  organization = \"Contoso") + esc + "x\"\n"));
    REQUIRE(e.starts_with("t.toml:23:18: 'organization' holds the control character U+"));
  }
  REQUIRE(test::load_error(with("[certificates]\n  [certificates.subject]\n  \"a\\nb\" = \"x\"\n"))
              .starts_with("t.toml:23:3: the key \"a\\nb\" holds the control character U+000A"));
  // Not a control character: typographic quotes, NBSP, non-Latin text.
  REQUIRE_NOTHROW(test::topo(with("[certificates]\n  [certificates.subject]\n  organization = \"\u2019\u00a0\u00e9\u4e2d\"\n")));
}

TEST_CASE("subject values over their X.520 upper bound are refused, counted in characters", "[topology][load]") {
  const auto subject = [](std::string_view key, std::size_t n) {
    std::string v;
    for (std::size_t i = 0; i < n; ++i) {
      v += "\u00e9";
    }
    return with(fmt::format("[certificates]\n  [certificates.subject]\n  {} = \"{}\"\n", key, v));
  };
  for (const auto& [key, bound] : {std::pair{"organization", 64}, std::pair{"unit", 64}, std::pair{"locality", 128},
                                   std::pair{"state", 128}}) {
    INFO(key);
    REQUIRE_NOTHROW(test::topo(subject(key, bound)));
    const auto e = test::load_error(subject(key, bound + 1));
    REQUIRE(e.starts_with(fmt::format("t.toml:23:{}: ", std::string_view(key).size() + 6)));
    REQUIRE(e.find(fmt::format("'{}' is {} characters long; X.520 allows at most {}", key, bound + 1, bound)) !=
            std::string::npos);
  }
}

TEST_CASE("two CNAMEs for one name are refused: a POP3/IMAP host that is a tenant's webmail host", "[topology][load]") {
  test::Hosted h;
  h.hosting = "webmail_redirect_host = \"webmailredirect.provider.com\"\n";
  h.tenants = "[[tenant]]\nname = \"TenantCompany\"\ndomains = [\"tenant.com\"]\nwebmail = \"webmail.tenant.com\"\n";
  std::string text = h.toml();
  // [services] must come before [hosting]; put it after [certificates]'s header keys.
  text.replace(text.find("[certificates]\n"), 15, "[services]\nimap4 = { host = \"webmail.tenant.com\" }\n[certificates]\n");
  const auto e = test::load_error(text);
  INFO(e);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.rfind("webmail = ")), '\n');
  REQUIRE(e.starts_with("t.toml:" + std::to_string(line) + ":11: "));
  REQUIRE(e.find("webmail.tenant.com") != std::string::npos);
  REQUIRE(e.find("IMAP4") != std::string::npos);
}

namespace {

// A hoster's file, large enough for the loader to read its [[tenant]] tables apart (in chunks,
// on every core): `n` tenants, with comments, blank lines and a table after them.
std::string many_tenants(std::size_t n, std::string_view extra_tenant_line = "") {
  test::Hosted h;
  h.hosting = "webmail_redirect_host = \"webmailredirect.provider.com\"\n";
  h.tenants.clear();
  for (std::size_t i = 0; i < n; ++i) {
    // Some headers indented, some names a multi-line string with a line-ending backslash.
    const std::string name = i % 7 == 0 ? fmt::format("\"\"\"Tenant\\\n    {}\"\"\"", i) : fmt::format("\"Tenant{}\"", i);
    h.tenants += fmt::format("\n# tenant {}\n{}[[tenant]]\nname = {}\ndomains = [\"t{}.example\", \"T{}.Example.net\"]\n", i,
                             i % 5 == 0 ? "  " : "", name, i, i);
    if (i % 3 == 0) {
      h.tenants += fmt::format("webmail = \"webmail.t{}.example\"\n", i);
    }
    if (i == n / 2) {
      h.tenants += extra_tenant_line;
    }
  }
  return h.toml() + "\n[[installed]]\nfile = \"c.pem\"\n";
}

} // namespace

TEST_CASE("thousands of tenants load with every name, domain and position", "[topology][load]") {
  const std::string text = many_tenants(3000);
  const auto t = test::topo(text);
  REQUIRE(t.tenants.size() == 3000);
  REQUIRE(t.installed.size() == 1);
  REQUIRE(t.installed[0].pos.line == static_cast<std::uint32_t>(std::count(text.begin(), text.end(), '\n') - 1));
  std::size_t line = 1;
  std::size_t at = 0;
  for (std::size_t i = 0; i < t.tenants.size(); ++i) {
    const auto header = text.find("[[tenant]]", i == 0 ? 0 : at + 1);
    line += static_cast<std::size_t>(std::count(text.begin() + static_cast<long>(at), text.begin() + static_cast<long>(header), '\n'));
    at = header;
    const std::size_t column = header - text.rfind('\n', header);
    const auto& tn = t.tenants[i];
    INFO(i);
    REQUIRE(tn.name == fmt::format("Tenant{}", i));
    REQUIRE(tn.domains.size() == 2);
    REQUIRE(tn.domains[1].ascii == fmt::format("t{}.example.net", i));
    REQUIRE(tn.webmail.has_value() == (i % 3 == 0));
    REQUIRE(tn.pos.to_string() == fmt::format("t.toml:{}:{}", line, column));
  }
}

TEST_CASE("an error among thousands of tenants is said as for a small file", "[topology][load]") {
  // A second `name` in one tenant table: toml++'s own error, at its own position.
  const std::string dup = many_tenants(3000, "name = \"Again\"\n");
  const auto e = test::load_error(dup);
  const auto line = std::count(dup.begin(), dup.begin() + static_cast<long>(dup.find("name = \"Again\"")), '\n') + 1;
  REQUIRE(e.starts_with(fmt::format("t.toml:{}:", line)));
  REQUIRE(e.find("TOML syntax") != std::string::npos);
  // A domain two tenants claim: the loader's message, pointing at the second.
  const std::string twice = many_tenants(3000, "[[tenant]]\nname = \"Thief\"\ndomains = [\"t7.example\"]\n");
  const auto e2 = test::load_error(twice);
  REQUIRE(e2.find("domain \"t7.example\" already belongs to tenant 'Tenant7'") != std::string::npos);
  const auto line2 = std::count(twice.begin(), twice.begin() + static_cast<long>(twice.find("[\"t7.example\"]")), '\n') + 1;
  REQUIRE(e2.starts_with(fmt::format("t.toml:{}:", line2)));
  // A name and a webmail host two tenants claim (the split load checks names on one core and
  // domains on another; either way the whole parse says it).
  const std::string same_name = many_tenants(3000, "[[tenant]]\nname = \"Tenant7\"\ndomains = [\"other.example\"]\n");
  REQUIRE(test::load_error(same_name).find("duplicate tenant name 'Tenant7'") != std::string::npos);
  const std::string same_webmail =
      many_tenants(3000, "[[tenant]]\nname = \"W\"\ndomains = [\"w.example\"]\nwebmail = \"webmail.t3.example\"\n");
  REQUIRE(test::load_error(same_webmail).find("\"webmail.t3.example\" is already tenant 'Tenant3''s webmail host") !=
          std::string::npos);
}
