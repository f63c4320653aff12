// Namespace derivation for each model (R1-R6).
#include "support.hpp"

using certplan::Model;
using certplan::Scope;
using certplan::Service;

namespace {

const char* k_regional = R"(schema = 1
[organization]
name = "Contoso"
model = "regional"
[[forest]]
name = "contoso"
ad_domain = "contoso.local"
smtp_domains = ["contoso.com", "contoso.co.uk"]
[[site]]
name = "NewYork"
namespace = "mail.usa.contoso.com"
legacy_namespace = "legacy.usa.contoso.com"
[[site]]
name = "London"
namespace = "mail.europe.contoso.com"
[[site]]
name = "Branch"
internet_facing = false
[services]
pop3 = { host = "pop.contoso.com" }
imap4 = { host = "pop.contoso.com" }
)";

std::vector<std::string> names(const certplan::Plan& p) {
  std::vector<std::string> out;
  for (const auto& n : p.namespaces) {
    out.push_back(n.fqdn.ascii);
  }
  return out;
}

} // namespace

TEST_CASE("consolidated: one namespace plus autodiscover per SMTP domain (R1, R2)", "[plan][namespaces]") {
  const auto p = test::plan(test::k_consolidated);
  REQUIRE(names(p) == std::vector<std::string>{"mail.contoso.com", "autodiscover.contoso.com", "autodiscover.contoso.co.uk"});
  const auto* ns = test::find_ns(p, "mail.contoso.com");
  REQUIRE(ns->scope == Scope::external);
  REQUIRE(ns->site == "NewYork");
  REQUIRE(std::find(ns->services.begin(), ns->services.end(), Service::activesync) != ns->services.end());
  REQUIRE(std::find(ns->services.begin(), ns->services.end(), Service::mapi) != ns->services.end());
  REQUIRE(test::find_ns(p, "autodiscover.contoso.co.uk")->services == std::vector<Service>{Service::autodiscover});
}

TEST_CASE("regional: one namespace per internet-facing site, legacy and protocol names (R3-R5)", "[plan][namespaces]") {
  const auto p = test::plan(k_regional);
  REQUIRE(names(p) == std::vector<std::string>{"mail.usa.contoso.com", "mail.europe.contoso.com", "autodiscover.contoso.com",
                                               "autodiscover.contoso.co.uk", "legacy.usa.contoso.com", "pop.contoso.com"});
  REQUIRE(test::find_ns(p, "mail.europe.contoso.com")->site == "London");
  REQUIRE(test::find_ns(p, "autodiscover.contoso.com")->site == "NewYork"); // first internet-facing site
  REQUIRE(to_string(test::find_ns(p, "legacy.usa.contoso.com")->role) == "legacy");
  // POP3 and IMAP4 on one host merge into one namespace.
  REQUIRE(test::find_ns(p, "pop.contoso.com")->services == std::vector<Service>{Service::pop3, Service::imap4});
}

TEST_CASE("proxy-sites: the internet-facing namespace serves the proxied sites", "[plan][namespaces]") {
  std::string t = k_regional;
  t.replace(t.find("\"regional\""), 10, "\"proxy-sites\"");
  t.replace(t.find("namespace = \"mail.europe.contoso.com\""), 37, "internet_facing = false");
  const auto p = test::plan(t);
  const auto* ns = test::find_ns(p, "mail.usa.contoso.com");
  REQUIRE(ns->sites == std::vector<std::string>{"NewYork", "London", "Branch"});
  REQUIRE(test::find_ns(p, "mail.europe.contoso.com") == nullptr);
}

TEST_CASE("multisite-single-namespace: planned, with the white paper's warning (R3) before Exchange 2013", "[plan][namespaces]") {
  std::string t = k_regional;
  t.replace(t.find("\"regional\""), 10, "\"multisite-single-namespace\"\nexchange = \"2010\"");
  t.replace(t.find("mail.europe.contoso.com"), 23, "mail.usa.contoso.com");
  t += "[clients]\nsupported = [\"ios-mail\"]\n";
  const auto p = test::plan(t);
  REQUIRE(test::find_ns(p, "mail.usa.contoso.com")->sites == std::vector<std::string>{"NewYork", "London"});
  REQUIRE(test::has_finding(p, "R3", certplan::Severity::warning));
  REQUIRE(p.clients[0].status == certplan::Severity::warning);
}

TEST_CASE("multisite-single-namespace on Exchange 2019: the Preferred Architecture, no R3 warning", "[plan][namespaces]") {
  // From Exchange 2013 the front end proxies to the mailbox's site (domain.md R3).
  std::string t = k_regional;
  t.replace(t.find("\"regional\""), 10, "\"multisite-single-namespace\"");
  t.replace(t.find("mail.europe.contoso.com"), 23, "mail.usa.contoso.com");
  t += "[clients]\nsupported = [\"ios-mail\"]\n";
  const auto p = test::plan(t);
  REQUIRE_FALSE(test::has_finding(p, "R3", certplan::Severity::warning));
  REQUIRE(p.clients[0].status == certplan::Severity::info);
}

TEST_CASE("multi-forest: regional namespaces per forest, certificates per forest", "[plan][namespaces]") {
  const auto p = test::plan(R"(schema = 1
[organization]
name = "Contoso"
model = "multi-forest"
[[forest]]
name = "contoso"
smtp_domains = ["contoso.com"]
[[forest]]
name = "contosoonline"
smtp_domains = ["contosoonline.com"]
[[site]]
name = "NewYork"
forest = "contoso"
namespace = "mail.usa.contoso.com"
[[site]]
name = "London"
forest = "contoso"
namespace = "mail.europe.contoso.com"
[[site]]
name = "Tokyo"
forest = "contosoonline"
namespace = "mail.asia.contosoonline.com"
)");
  REQUIRE(test::find_ns(p, "autodiscover.contosoonline.com")->site == "Tokyo");
  REQUIRE(test::find_ns(p, "autodiscover.contosoonline.com")->forest == "contosoonline");
  REQUIRE(p.certificates.size() == 2);
  REQUIRE(p.certificates[0].id == "contoso");
  REQUIRE(p.certificates[0].sans == std::vector<std::string>{"mail.usa.contoso.com", "autodiscover.contoso.com",
                                                             "mail.europe.contoso.com"});
  REQUIRE(p.certificates[0].sites == std::vector<std::string>{"NewYork", "London"});
  REQUIRE(p.certificates[1].sans == std::vector<std::string>{"mail.asia.contosoonline.com", "autodiscover.contosoonline.com"});
}

TEST_CASE("hosted: provider names, redirect sites off the certificate, tenant names", "[plan][namespaces]") {
  test::Hosted h;
  h.autodiscover = "redirect";
  h.certificates = "include_server_fqdn = true\n";
  h.hosting = "webmail_redirect_host = \"webmailredirect.provider.com\"\n";
  h.tenants = "[[tenant]]\nname = \"TenantCompany\"\ndomains = [\"tenant.com\"]\nwebmail = \"webmail.tenant.com\"\n";
  const auto p = test::plan(h.toml());
  // Seed 000: EX01, MAIL and AUTODISCOVER on the provider certificate, nothing of the tenant.
  REQUIRE(p.certificates.size() == 1);
  REQUIRE(p.certificates[0].sans == std::vector<std::string>{"mail.provider.com", "autodiscover.provider.com", "ex01.provider.com"});
  REQUIRE(test::find_ns(p, "autodiscoverredirect.provider.com")->on_certificate == false);
  REQUIRE(test::find_ns(p, "autodiscover.tenant.com")->tenant == "TenantCompany");
  REQUIRE(test::find_ns(p, "autodiscover.tenant.com")->on_certificate == false);
  REQUIRE(to_string(test::find_ns(p, "webmail.tenant.com")->role) == "tenant-webmail");
}

TEST_CASE("internal names only for private authorities that ask (R6)", "[plan][namespaces]") {
  SECTION("public: split DNS advice instead") {
    const auto p = test::plan(test::k_consolidated);
    REQUIRE(test::find_ns(p, "cas01.contoso.local") == nullptr);
    REQUIRE(test::has_finding(p, "R6", certplan::Severity::info));
  }
  SECTION("enterprise with include_internal_names") {
    const auto p = test::plan(std::string(test::k_consolidated) +
                              "[certificates]\nauthority = \"enterprise\"\ninclude_internal_names = true\n");
    REQUIRE(test::find_ns(p, "cas01.contoso.local")->scope == Scope::internal);
    REQUIRE(to_string(test::find_ns(p, "cas01")->role) == "netbios");
    const auto& sans = p.certificates[0].sans;
    REQUIRE(sans.back() == "cas01"); // internal names come last
  }
  SECTION("an internal namespace on a public certificate fails") {
    std::string t = test::k_consolidated;
    t.replace(t.find("\"mail.contoso.com\""), 18, "\"mail.contoso.local\"");
    REQUIRE(test::has_finding(test::plan(t), "R6", certplan::Severity::failure));
  }
}

TEST_CASE("planned endpoints: each certificate name where its clients connect", "[plan][namespaces]") {
  auto p = test::plan(test::k_consolidated);
  // A POP3 name and an http-only redirect name, as other models plan them.
  certplan::Namespace pop = p.namespaces.front();
  pop.fqdn.ascii = "pop.contoso.com";
  pop.services = {Service::pop3, Service::imap4, Service::smtp, Service::um};
  p.namespaces.push_back(pop);
  certplan::Namespace redirect = p.namespaces.front();
  redirect.fqdn.ascii = "autodiscover.redirect.example";
  redirect.on_certificate = false;
  p.namespaces.push_back(redirect);
  std::vector<std::string> got;
  for (const auto& e : certplan::planned_endpoints(p)) {
    got.push_back(e.host + ":" + std::to_string(e.port));
  }
  CHECK(got == std::vector<std::string>{"autodiscover.contoso.co.uk:443", "autodiscover.contoso.com:443", "mail.contoso.com:443",
                                        "pop.contoso.com:25", "pop.contoso.com:993", "pop.contoso.com:995"});
}
