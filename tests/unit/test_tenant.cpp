// Tenant onboarding (issue 3): the text splice must give the file back byte for byte, and
// every refusal must say where the clash is.
#include "support.hpp"

#include <certplan/io.hpp>
#include <certplan/quote.hpp>
#include <certplan/tenant.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

using certplan::Error;
using certplan::ErrorKind;
using certplan::TenantRequest;

namespace {

const certplan::ClientCatalog& catalog() { return certplan::ClientCatalog::builtin(); }

std::string example(std::string_view name) {
  return certplan::read_file(std::string(CERTPLAN_TEST_DATA) + "/../../examples/" + std::string(name));
}

certplan::TenantEdit add(std::string_view text, TenantRequest r) {
  return certplan::add_tenant(text, "t.toml", r, catalog());
}

certplan::TenantEdit remove(std::string_view text, std::string_view name) {
  return certplan::remove_tenant(text, "t.toml", name, catalog());
}

// The message of the Error `f` throws ("" when none), with its kind.
template <typename F>
std::pair<std::string, ErrorKind> refusal(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.what(), e.kind()};
  }
  return {"", ErrorKind::internal};
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Hosted, with comments between the tenants and tables after them: the layout a hoster's
// hand-kept file has. Line numbers matter to the position tests below.
const char* k_commented = R"(# provider topology, kept by hand
schema = 1

[organization]
name = "HostingCompany"
model = "hosted"

[[forest]]
name = "provider"
smtp_domains = ["provider.com"]

[[site]]
name = "Default"
namespace = "mail.provider.com"
  [[site.server]]
  name = "EX01"
  ip = "192.0.2.10"
  secondary_ip = "192.0.2.11"

# --- tenants ---
[[tenant]]
name = "Alpha"
domains = [
  "alpha.com",   # primary
  "alpha.net",
]

# Beta moved here from the old platform
[[tenant]]
name = "Beta"
domains = ["beta.com"]
# end of tenants

[hosting]
provider_domain = "provider.com"
autodiscover = "redirect"

[clients]
supported = ["outlook-2010"]
)";

std::string hosted_with(std::string_view exchange, std::string_view method) {
  return fmt::format(R"(schema = 1
[organization]
name = "HostingCompany"
exchange = "{}"
model = "hosted"
[[forest]]
name = "provider"
smtp_domains = ["provider.com"]
[[site]]
name = "Default"
namespace = "mail.provider.com"
  [[site.server]]
  name = "EX01"
  ip = "192.0.2.10"
  secondary_ip = "192.0.2.11"
[certificates]
strategy = "san"
[hosting]
provider_domain = "provider.com"
autodiscover = "{}"
)",
                     exchange, method);
}

} // namespace

TEST_CASE("add then remove gives examples/hosted.toml back byte for byte", "[tenant]") {
  const std::string original = example("hosted.toml");
  const auto added = add(original, {"Contoso", {"contoso.com", "contoso.net"}, "webmail.contoso.com"});
  REQUIRE(added.text.starts_with(original)); // appended, nothing above touched
  REQUIRE(added.text.substr(original.size()) ==
          "\n[[tenant]]\nname = \"Contoso\"\ndomains = [\"contoso.com\", \"contoso.net\"]\nwebmail = "
          "\"webmail.contoso.com\"\n");
  REQUIRE(remove(added.text, "Contoso").text == original);
}

TEST_CASE("add then remove round-trips with comments and a table after the tenants", "[tenant]") {
  const std::string original = k_commented;
  const auto added = add(original, {"Gamma", {"gamma.com"}, ""});
  REQUIRE(added.text.starts_with(original));
  const auto t = test::topo(added.text);
  REQUIRE(t.tenants.size() == 3);
  REQUIRE(t.tenants[2].name == "Gamma");
  REQUIRE(t.hosting->provider_domain.ascii == "provider.com"); // [hosting] still parsed as before
  REQUIRE(remove(added.text, "Gamma").text == original);

  // Twice, and removing in the other order.
  const auto second = add(added.text, {"Delta", {"delta.com"}, ""});
  REQUIRE(remove(remove(second.text, "Gamma").text, "Delta").text == original);
}

TEST_CASE("remove of a tenant followed by comments and another table keeps those", "[tenant]") {
  const std::string original = k_commented;
  const std::string alpha = "[[tenant]]\nname = \"Alpha\"\ndomains = [\n  \"alpha.com\",   # primary\n  \"alpha.net\",\n]\n";
  const std::string beta = "[[tenant]]\nname = \"Beta\"\ndomains = [\"beta.com\"]\n";
  REQUIRE(contains(original, alpha));
  REQUIRE(contains(original, beta));

  // Alpha: its lines go; "# --- tenants ---" above it has no blank line between, so it
  // stays, and the blank line and comment introducing Beta stay.
  std::string expected = original;
  expected.erase(expected.find(alpha), alpha.size());
  REQUIRE(remove(original, "Alpha").text == expected);

  // Beta: the comment above it is not blank, so only its own lines go; "# end of tenants"
  // comes before the next header and stays.
  expected = original;
  expected.erase(expected.find(beta), beta.size());
  REQUIRE(remove(original, "Beta").text == expected);
}

TEST_CASE("tenant_block takes one blank line above the header and stops before the next header", "[tenant]") {
  const std::string text = hosted_with("2010", "redirect") +
                           "\n\n[[tenant]]\nname = \"A\"\ndomains = [\"a.com\"]\n\n# about B\n\n[[tenant]]\nname = "
                           "\"B\"\ndomains = [\"b.com\"]\n";
  const auto [begin, end] = certplan::tenant_block(text, "t.toml", "A");
  REQUIRE(text.substr(begin, end - begin) == "\n[[tenant]]\nname = \"A\"\ndomains = [\"a.com\"]\n");
  const auto [b2, e2] = certplan::tenant_block(text, "t.toml", "B");
  REQUIRE(text.substr(b2, e2 - b2) == "\n[[tenant]]\nname = \"B\"\ndomains = [\"b.com\"]\n");
  REQUIRE(e2 == text.size());
}

TEST_CASE("onboarding a tenant twice is refused, with the position of the first", "[tenant]") {
  const std::string original = k_commented;
  const TenantRequest gamma{"Gamma", {"gamma.com"}, ""};
  const auto once = add(original, gamma);
  // The appended table starts on the line after the original text and one blank line.
  const auto header_line = static_cast<std::size_t>(std::count(original.begin(), original.end(), '\n')) + 2;

  const auto [same, kind] = refusal([&] { add(once.text, gamma); });
  REQUIRE(kind == ErrorKind::input);
  REQUIRE(contains(same, fmt::format("tenant add: tenant 'Gamma' already exists (at t.toml:{}:1)", header_line)));

  const auto [domain, kind2] = refusal([&] { add(once.text, {"Gamma2", {"Gamma.COM."}, ""}); });
  REQUIRE(kind2 == ErrorKind::input);
  REQUIRE(contains(domain, fmt::format("tenant add: domain \"gamma.com\" already belongs to tenant 'Gamma' (at t.toml:{}:12)",
                                       header_line + 2)));
}

TEST_CASE("a domain of another tenant, a forest or the provider is refused with its position", "[tenant]") {
  const std::string text = k_commented;
  // alpha.net is on line 25, column 3, inside a multi-line array.
  REQUIRE(contains(refusal([&] { add(text, {"X", {"new.com", "alpha.net"}, ""}); }).first,
                   "domain \"alpha.net\" already belongs to tenant 'Alpha' (at t.toml:25:3)"));
  REQUIRE(contains(refusal([&] { add(text, {"X", {"provider.com"}, ""}); }).first,
                   "domain \"provider.com\" already belongs to forest 'provider' (at t.toml:10:17)"));
  REQUIRE(contains(refusal([&] { add(text, {"X", {"a.com", "a.com"}, ""}); }).first, "given twice"));
  const auto [bad, kind] = refusal([&] { add(text, {"X", {"not a host"}, ""}); });
  REQUIRE(kind == ErrorKind::usage);
  REQUIRE(contains(bad, "invalid domain \"not a host\""));
  REQUIRE(contains(refusal([&] { add(text, {"", {"x.com"}, ""}); }).first, "--name must not be empty"));
  REQUIRE(contains(refusal([&] { add(text, {"beta", {"x.com"}, ""}); }).first, "already exists as 'Beta'"));
}

TEST_CASE("--webmail needs a webmail redirect site", "[tenant]") {
  const auto [msg, kind] = refusal([&] { add(k_commented, {"X", {"x.com"}, "webmail.x.com"}); });
  REQUIRE(kind == ErrorKind::input);
  REQUIRE(contains(msg, "t.toml:34:1: tenant add: --webmail needs [hosting] webmail_redirect_host"));
}

TEST_CASE("removing an unknown tenant is refused and lists the tenants", "[tenant]") {
  const auto [msg, kind] = refusal([&] { remove(k_commented, "Nope"); });
  REQUIRE(kind == ErrorKind::input);
  REQUIRE(contains(msg, "tenant remove: no tenant 'Nope' in t.toml (its tenants: 'Alpha', 'Beta'); nothing written"));
  // Names are exact: the loader treats them so.
  REQUIRE(contains(refusal([&] { remove(k_commented, "alpha"); }).first, "no tenant 'alpha'"));
}

TEST_CASE("tenants exist only in the hosted model", "[tenant]") {
  try {
    add(test::k_consolidated, {"X", {"x.com"}, ""});
    FAIL("no error");
  } catch (const Error& e) {
    REQUIRE(e.kind() == ErrorKind::input);
    REQUIRE(e.where().has_value());
    REQUIRE(e.where()->file == "t.toml");
    REQUIRE(contains(e.message(), "model \"consolidated\""));
  }
}

TEST_CASE("names are quoted as TOML strings and survive the round trip", "[tenant]") {
  REQUIRE(certplan::quote::toml_basic("Ac\"me\\Co") == R"("Ac\"me\\Co")");
  REQUIRE(certplan::quote::toml_basic("a\tb\x01") == R"("a\tb\u0001")");
  const std::string original = k_commented;
  const std::string name = "Ac\"me \\ Co's";
  const auto added = add(original, {name, {"acme.com"}, ""});
  REQUIRE(test::topo(added.text).tenants.back().name == name);
  // PowerShell gets a single-quoted literal (Exchange 2010 hosting mode names the organization).
  const auto hosted2010 = add(hosted_with("2010", "redirect"), {name, {"acme.com"}, ""});
  REQUIRE(contains(hosted2010.runbook.exchange_commands.front(), "-Name 'Ac\"me \\ Co''s'"));
  REQUIRE(remove(added.text, name).text == original);
  REQUIRE(contains(refusal([&] { add(original, {"a\nb", {"x.com"}, ""}); }).first, "control characters"));
}

TEST_CASE("CRLF files keep their line ends; a file without a final newline gains one", "[tenant]") {
  std::string crlf;
  for (const char c : std::string(k_commented)) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  const auto added = add(crlf, {"Gamma", {"gamma.com"}, ""});
  REQUIRE(added.text.substr(crlf.size()) == "\r\n[[tenant]]\r\nname = \"Gamma\"\r\ndomains = [\"gamma.com\"]\r\n");
  REQUIRE(remove(added.text, "Gamma").text == crlf);

  std::string unterminated = k_commented;
  unterminated.pop_back();
  const auto added2 = add(unterminated, {"Gamma", {"gamma.com"}, ""});
  REQUIRE(remove(added2.text, "Gamma").text == unterminated + "\n");
}

TEST_CASE("runbook with redirect: tenant CNAMEs, bindings on the secondary IP, New-Organization", "[tenant]") {
  const auto rb = add(example("hosted.toml"), {"Contoso", {"contoso.com", "contoso.net"}, "webmail.contoso.com"}).runbook;
  const auto has_record = [&](std::string_view name, std::string_view type, std::string_view value) {
    return std::any_of(rb.tenant_records.begin(), rb.tenant_records.end(), [&](const certplan::DnsRecord& r) {
      return r.name == name && r.type == type && r.value == value;
    });
  };
  REQUIRE(has_record("autodiscover.contoso.com", "CNAME", "autodiscoverredirect.provider.com."));
  REQUIRE(has_record("autodiscover.contoso.net", "CNAME", "autodiscoverredirect.provider.com."));
  REQUIRE(has_record("webmail.contoso.com", "CNAME", "webmailredirect.provider.com."));
  REQUIRE(has_record("contoso.com", "MX", "10 mail.provider.com."));
  REQUIRE(rb.tenant_records.size() == 5); // nothing of the other tenants or the provider
  REQUIRE(rb.provider_records.empty());   // the redirect sites exist already

  REQUIRE(rb.bindings.size() == 3);
  REQUIRE(rb.bindings[0].command ==
          R"(New-WebBinding -Name 'AutodiscoverRedirect' -IPAddress '203.0.113.51' -Port 80 -HostHeader 'autodiscover.contoso.com')");
  REQUIRE(rb.bindings[2].site == "WebmailRedirect");
  REQUIRE(rb.bindings[2].host == "webmail.contoso.com");

  REQUIRE(rb.certificates.empty());
  REQUIRE(rb.exchange_commands.size() == 2);
  REQUIRE(rb.exchange_commands[0] == "New-Organization -Name 'Contoso' -DomainName 'contoso.com' -Location en-US -ProgramID "
                                     "HostingSample -OfferID 2 -AdministratorPassword (Get-Credential).Password");
  REQUIRE(rb.exchange_commands[1] ==
          "New-AcceptedDomain -Name 'contoso.net' -DomainName 'contoso.net' -DomainType Authoritative -Organization 'Contoso'");

  const auto text = certplan::render_tenant_runbook(rb, certplan::Format::text);
  REQUIRE(contains(text, "No certificate change"));
  const auto j = nlohmann::json::parse(certplan::render_tenant_runbook(rb, certplan::Format::json));
  REQUIRE(j["schema"] == "certplan.tenant/1");
  REQUIRE(j["action"] == "add");
  REQUIRE(j["reissue"] == false);
  REQUIRE(j["dns_records"].size() == 5);
  const auto md = certplan::render_tenant_runbook(rb, certplan::Format::markdown);
  REQUIRE(contains(md, "```powershell\n"));
}

TEST_CASE("runbook with tenant names on the certificate: re-issue with the new SAN count", "[tenant]") {
  const std::string text = hosted_with("2016", "san");
  const auto added = add(text, {"Contoso", {"contoso.com"}, ""});
  const auto& rb = added.runbook;
  REQUIRE(rb.certificates.size() == 1);
  const auto& c = rb.certificates[0];
  REQUIRE(c.change == "changed");
  REQUIRE(c.sans_after == c.sans_before + 1);
  REQUIRE(c.added == std::vector<std::string>{"autodiscover.contoso.com"});
  REQUIRE(contains(c.command, "autodiscover.contoso.com"));
  REQUIRE(contains(certplan::render_tenant_runbook(rb, certplan::Format::text),
                   fmt::format("re-issue {}: {} SANs (was {}), adds autodiscover.contoso.com", c.id, c.sans_after,
                               c.sans_before)));
  // san: no redirect site for autodiscover, and no webmail here: no bindings.
  REQUIRE(rb.bindings.empty());

  // Exchange 2016 has no hosting mode.
  REQUIRE(rb.exchange_commands == std::vector<std::string>{
                                      "New-AcceptedDomain -Name 'contoso.com' -DomainName 'contoso.com' -DomainType Authoritative"});
  REQUIRE(contains(rb.exchange_notes.back(), "address book policy"));

  // Removal re-issues without the name.
  const auto removed = remove(added.text, "Contoso");
  REQUIRE(removed.text == text);
  REQUIRE(removed.runbook.certificates.size() == 1);
  REQUIRE(removed.runbook.certificates[0].dropped == std::vector<std::string>{"autodiscover.contoso.com"});
  REQUIRE(removed.runbook.exchange_commands == std::vector<std::string>{"Remove-AcceptedDomain -Identity 'contoso.com'"});
}

TEST_CASE("runbook for hosted-san.toml: a new certificate past max_names is a re-issue", "[tenant]") {
  const auto rb = add(example("hosted-san.toml"), {"Contoso", {"contoso.com"}, ""}).runbook;
  REQUIRE_FALSE(rb.certificates.empty());
  const auto text = certplan::render_tenant_runbook(rb, certplan::Format::text);
  REQUIRE(contains(text, "re-issue"));
  REQUIRE(contains(text, "autodiscover.contoso.com"));
}

TEST_CASE("remove runbook reverses the bindings and removes the organization", "[tenant]") {
  const auto rb = remove(example("hosted.toml"), "TenantCompany").runbook;
  REQUIRE(rb.action == certplan::TenantAction::remove);
  REQUIRE(rb.bindings.size() == 2);
  REQUIRE(rb.bindings[0].command ==
          R"(Remove-WebBinding -Name 'AutodiscoverRedirect' -IPAddress '203.0.113.51' -Port 80 -HostHeader 'autodiscover.tenant.com')");
  REQUIRE(rb.exchange_commands == std::vector<std::string>{"Remove-Organization -Identity 'TenantCompany'"});
  REQUIRE(std::any_of(rb.tenant_records.begin(), rb.tenant_records.end(),
                      [](const certplan::DnsRecord& r) { return r.name == "webmail.tenant.com"; }));
  // TenantCompany is the only tenant with webmail: the webmail redirect site goes with it.
  REQUIRE(std::any_of(rb.provider_records.begin(), rb.provider_records.end(),
                      [](const certplan::DnsRecord& r) { return r.name == "webmailredirect.provider.com"; }));
}
