// Autodiscover traces: each hosting option and client, with the steps expected (seed 002, R2).
#include "support.hpp"

#include <certplan/trace.hpp>

namespace {

std::string hosted(std::string_view method) {
  test::Hosted h;
  h.autodiscover = std::string(method);
  h.clients = R"(["outlook-2016", "ios-mail"])";
  return h.toml();
}

certplan::Trace trace(std::string_view topology, std::string_view client, std::string_view email = "john@tenant.com",
                      bool joined = false) {
  const auto t = test::topo(topology);
  const auto p = certplan::make_plan(t, certplan::ClientCatalog::builtin());
  return certplan::trace_autodiscover(t, p, *certplan::ClientCatalog::builtin().find(client), email, joined);
}

std::vector<std::string> steps(const certplan::Trace& t) {
  std::vector<std::string> out;
  for (const auto& s : t.steps) {
    out.push_back(s.method + ":" + s.outcome);
  }
  return out;
}

} // namespace

TEST_CASE("redirect: Outlook follows the 302 after a prompt (seed 002)", "[trace]") {
  const auto t = trace(hosted("redirect"), "outlook-2016");
  REQUIRE(steps(t) == std::vector<std::string>{"microsoft365:fail", "scp:skip", "https-root:fail", "https-autodiscover:fail",
                                               "http-redirect:prompt", "redirect-target:ok"});
  REQUIRE(t.steps[3].detail.find("port 80 only") != std::string::npos); // the redirect site has no 443
  REQUIRE(t.landed_url == "https://autodiscover.provider.com/autodiscover/autodiscover.xml");
  REQUIRE(t.prompted);
  REQUIRE(t.severity() == certplan::Severity::warning);
}

TEST_CASE("redirect: a mobile client not known to follow it ends with manual entry", "[trace]") {
  const auto t = trace(hosted("redirect"), "ios-mail");
  REQUIRE_FALSE(t.landed);
  REQUIRE(t.severity() == certplan::Severity::failure);
  REQUIRE(t.summary.find("mail.provider.com") != std::string::npos);
}

TEST_CASE("srv: Outlook uses the SRV record and lands on the provider name", "[trace]") {
  const auto t = trace(hosted("srv"), "outlook-2016");
  REQUIRE(steps(t) == std::vector<std::string>{"microsoft365:fail", "scp:skip", "https-root:fail", "https-autodiscover:fail",
                                               "http-redirect:fail", "srv:prompt", "srv-target:ok"});
  REQUIRE(t.steps[5].dns.find("0 0 443 autodiscover.provider.com.") != std::string::npos);
  REQUIRE(t.landed);
}

TEST_CASE("san: the tenant name is on the certificate, silently", "[trace]") {
  for (const char* client : {"outlook-2016", "ios-mail"}) {
    const auto t = trace(hosted("san"), client);
    INFO(client);
    REQUIRE(t.steps.back().method == "https-autodiscover");
    REQUIRE(t.steps.back().outcome == "ok");
    REQUIRE(t.steps.back().certificate.find("CN=mail.provider.com") != std::string::npos);
    REQUIRE(t.severity() == certplan::Severity::info);
  }
}

TEST_CASE("a CNAME to the provider without the name on a certificate warns (R2)", "[trace]") {
  // The org's own domain with autodiscover = "srv" has no autodiscover.<d> on the certificate;
  // point autodiscover.contoso.com at the namespace by hand and Outlook meets a mismatch.
  std::string t = test::k_consolidated;
  t += "[clients]\nsupported = [\"outlook-2016\"]\n[certificates]\nstrategy = \"san\"\nautodiscover = \"srv\"\n";
  const auto topo = test::topo(t);
  auto plan = certplan::make_plan(topo, certplan::ClientCatalog::builtin());
  plan.dns_records.push_back({"autodiscover.contoso.com", "CNAME", "mail.contoso.com.", "contoso.com", "external", ""});
  const auto tr = certplan::trace_autodiscover(topo, plan, *certplan::ClientCatalog::builtin().find("outlook-2016"),
                                               "kim@contoso.com", false);
  REQUIRE(tr.steps[3].method == "https-autodiscover");
  REQUIRE(tr.steps[3].outcome == "warning");
  REQUIRE(tr.warned);
  REQUIRE(tr.landed); // then SRV to mail.contoso.com
  REQUIRE(tr.steps.back().method == "srv-target");
}

TEST_CASE("domain-joined Outlook finds the SCP first", "[trace]") {
  const auto t = trace(test::k_consolidated, "outlook-2016", "kim@contoso.com", true);
  REQUIRE(steps(t) == std::vector<std::string>{"microsoft365:fail", "scp:ok"});
  REQUIRE(t.landed_url == "https://mail.contoso.com/autodiscover/autodiscover.xml");
}

TEST_CASE("a wildcard certificate is a mismatch for Windows Mobile 6 only when it cannot match", "[trace]") {
  std::string t = test::k_consolidated;
  t += "[certificates]\nstrategy = \"wildcard\"\n";
  const auto tr = trace(t, "windows-mobile-6", "kim@contoso.com");
  // *.contoso.com covers autodiscover.contoso.com: WM6 accepts leftmost wildcards (R14).
  REQUIRE(tr.landed);
}

TEST_CASE("an address without a domain is a usage error", "[trace]") {
  REQUIRE_THROWS_AS(trace(hosted("san"), "outlook-2016", "john"), certplan::Error);
}

TEST_CASE("a client that does not use autodiscover is not applicable, not a failure", "[trace]") {
  // OWA in a browser: the user types the URL; autodiscover is no part of it (R2).
  const auto t = trace(test::k_consolidated, "owa-browser", "kim@contoso.com");
  REQUIRE_FALSE(t.applicable);
  REQUIRE(t.status() == "n/a");
  REQUIRE(t.severity() == certplan::Severity::info);
  REQUIRE(t.summary.find("does not use autodiscover") != std::string::npos);
}

TEST_CASE("Outlook 2016 and later ask Microsoft 365 before the SCP (R2, KB3211279)", "[trace]") {
  const auto t = trace(test::k_consolidated, "outlook-2016", "kim@contoso.com", true);
  REQUIRE(steps(t) == std::vector<std::string>{"microsoft365:fail", "scp:ok"});
  REQUIRE(t.steps[0].url.find("outlook.office365.com") != std::string::npos);
  REQUIRE(t.steps[0].detail.find("ExcludeExplicitO365Endpoint") != std::string::npos);
  REQUIRE(t.severity() == certplan::Severity::info); // an on-premises domain: Outlook goes on silently
  // Outlook 2013 has no such step.
  const auto t13 = trace(test::k_consolidated, "outlook-2013", "kim@contoso.com", true);
  REQUIRE(steps(t13) == std::vector<std::string>{"scp:ok"});
}

TEST_CASE("a domain in no forest or tenant is named as unknown at once", "[trace]") {
  try {
    trace(test::k_consolidated, "outlook-2016", "kim@example.org");
    FAIL("no error");
  } catch (const certplan::Error& e) {
    REQUIRE(std::string(e.what()).find("example.org is not a domain of this topology") != std::string::npos);
    REQUIRE(std::string(e.what()).find("contoso.com") != std::string::npos); // names the ones it has
  }
  // A hosted tenant's domain is one.
  REQUIRE(trace(hosted("san"), "outlook-2016").landed);
}
