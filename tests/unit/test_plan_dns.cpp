// DNS records (R2, R6; seeds 000 and 002).
#include "support.hpp"

namespace {

std::string hosted(std::string_view method) {
  test::Hosted h;
  h.autodiscover = std::string(method);
  h.hosting = "redirect_host = \"autodiscoverredirect.provider.com\"\nwebmail_redirect_host = \"webmailredirect.provider.com\"\n";
  h.tenants = "[[tenant]]\nname = \"TenantCompany\"\ndomains = [\"tenant.com\", \"tenant.net\"]\nwebmail = \"webmail.tenant.com\"\n";
  return h.toml();
}

const certplan::DnsRecord* find(const certplan::Plan& p, std::string_view name, std::string_view type,
                                std::string_view view = "external") {
  for (const auto& r : p.dns_records) {
    if (r.name == name && r.type == type && r.view == view) {
      return &r;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("hosted redirect: tenant CNAMEs to the redirect site on the second IP", "[plan][dns]") {
  const auto p = test::plan(hosted("redirect"));
  REQUIRE(find(p, "autodiscover.tenant.com", "CNAME")->value == "autodiscoverredirect.provider.com.");
  REQUIRE(find(p, "autodiscover.tenant.com", "CNAME")->zone == "tenant.com");
  REQUIRE(find(p, "autodiscover.tenant.net", "CNAME") != nullptr);
  REQUIRE(find(p, "autodiscoverredirect.provider.com", "A")->value == "192.0.2.11");
  REQUIRE(find(p, "webmailredirect.provider.com", "A")->value == "192.0.2.11");
  REQUIRE(find(p, "webmail.tenant.com", "CNAME")->value == "webmailredirect.provider.com.");
  REQUIRE(find(p, "mail.provider.com", "A")->value == "192.0.2.10");
  REQUIRE(find(p, "autodiscover.provider.com", "A")->value == "192.0.2.10");
  REQUIRE(find(p, "tenant.com", "MX")->value == "10 mail.provider.com.");
  REQUIRE(find(p, "_autodiscover._tcp.tenant.com", "SRV") == nullptr);
}

TEST_CASE("hosted srv: an SRV record per tenant domain to the provider's autodiscover", "[plan][dns]") {
  const auto p = test::plan(hosted("srv"));
  const auto* srv = find(p, "_autodiscover._tcp.tenant.net", "SRV");
  REQUIRE(srv != nullptr);
  REQUIRE(srv->value == "0 0 443 autodiscover.provider.com.");
  REQUIRE(srv->zone == "tenant.net");
  REQUIRE(find(p, "autodiscover.tenant.com", "CNAME") == nullptr);
}

TEST_CASE("hosted san: tenant names on the certificate, CNAME to the provider", "[plan][dns]") {
  const auto p = test::plan(hosted("san"));
  REQUIRE(find(p, "autodiscover.tenant.com", "CNAME")->value == "autodiscover.provider.com.");
  const auto& sans = p.certificates[0].sans;
  REQUIRE(std::find(sans.begin(), sans.end(), "autodiscover.tenant.net") != sans.end());
}

TEST_CASE("split DNS: internal view mirrors the external names (R6)", "[plan][dns]") {
  const auto p = test::plan(test::k_consolidated);
  REQUIRE(find(p, "mail.contoso.com", "A", "internal")->value == "203.0.113.10");
  REQUIRE(find(p, "autodiscover.contoso.co.uk", "CNAME", "internal")->value == "mail.contoso.com.");
  REQUIRE(find(p, "autodiscover.contoso.co.uk", "CNAME")->zone == "contoso.co.uk");
}

TEST_CASE("autodiscover by SRV for the organisation's domains (R2)", "[plan][dns]") {
  const auto p = test::plan(std::string(test::k_consolidated) + "[certificates]\nautodiscover = \"srv\"\n");
  REQUIRE(find(p, "_autodiscover._tcp.contoso.co.uk", "SRV")->value == "0 0 443 mail.contoso.com.");
  REQUIRE(p.certificates[0].sans == std::vector<std::string>{"mail.contoso.com"});
}

TEST_CASE("an IPv6 address is published as AAAA, never as A (RFC 3596)", "[plan][dns]") {
  std::string topo(test::k_consolidated);
  topo.replace(topo.find("203.0.113.10"), 12, "2001:db8::10");
  const auto p = test::plan(topo);
  REQUIRE(find(p, "mail.contoso.com", "AAAA") != nullptr);
  REQUIRE(find(p, "mail.contoso.com", "AAAA")->value == "2001:db8::10");
  REQUIRE(find(p, "mail.contoso.com", "AAAA", "internal") != nullptr);
  for (const auto& r : p.dns_records) {
    INFO(r.name << " " << r.type << " " << r.value);
    CHECK_FALSE((r.type == "A" && r.value.find(':') != std::string::npos));
  }
  // An IPv4 address stays an A record.
  REQUIRE(find(test::plan(test::k_consolidated), "mail.contoso.com", "A")->value == "203.0.113.10");
}

TEST_CASE("an MX record never names a CNAME (RFC 2181 10.3): it names the A/AAAA name", "[plan][dns]") {
  const auto p = test::plan(std::string(test::k_consolidated) + "[services]\nsmtp = { host = \"smtp.contoso.com\" }\n");
  REQUIRE(find(p, "smtp.contoso.com", "CNAME") != nullptr); // R5: the SMTP host has its own name
  for (const auto& r : p.dns_records) {
    if (r.type != "MX") {
      continue;
    }
    INFO(r.name << " MX " << r.value);
    CHECK(r.value == "10 mail.contoso.com.");
    const std::string target = r.value.substr(r.value.find(' ') + 1, r.value.size() - r.value.find(' ') - 2);
    CHECK(find(p, target, "CNAME", r.view) == nullptr);
    CHECK(find(p, target, "A", r.view) != nullptr);
  }
}

namespace {

// k_consolidated with single-name certificates and Outlook on XP (no SNI): the second
// certificate (autodiscover.contoso.com) is bound on its own IP (R12).
std::string own_ip(std::string_view secondary) {
  std::string t = test::k_consolidated;
  if (!secondary.empty()) {
    t += "  secondary_ip = \"" + std::string(secondary) + "\"\n";
  }
  return t + "[clients]\nsupported = [\"outlook-2007-xp\"]\n[certificates]\nstrategy = \"single-name\"\n";
}

} // namespace

TEST_CASE("R12: a certificate on its own IP has its names on that IP, not the first", "[plan][dns]") {
  const auto p = test::plan(own_ip("203.0.113.11"));
  const auto own = std::find_if(p.certificates.begin(), p.certificates.end(),
                                [](const auto& c) { return c.cn == "autodiscover.contoso.com"; });
  REQUIRE(own != p.certificates.end());
  REQUIRE(own->needs_own_ip);
  REQUIRE(find(p, "mail.contoso.com", "A")->value == "203.0.113.10");
  REQUIRE(find(p, "autodiscover.contoso.com", "CNAME") == nullptr);
  REQUIRE(find(p, "autodiscover.contoso.com", "A")->value == "203.0.113.11");
  REQUIRE(find(p, "autodiscover.contoso.com", "A", "internal")->value == "203.0.113.11"); // split DNS too (R6)
  REQUIRE(find(p, "autodiscover.contoso.com", "A")->note.find("R12") != std::string::npos);
  // No address given: a placeholder, as for any missing IP.
  const auto q = test::plan(own_ip(""));
  REQUIRE(find(q, "autodiscover.contoso.com", "A")->value == "<second IP of site NewYork>");
}

TEST_CASE("R12: in a hosted plan the redirect site keeps the second IP; an own-IP certificate gets a third",
          "[plan][dns]") {
  test::Hosted h;
  h.autodiscover = "redirect";
  h.clients = R"(["outlook-2007-xp"])";
  h.certificates = "strategy = \"single-name\"\n";
  const auto p = test::plan(h.toml());
  REQUIRE(find(p, "autodiscover.provider.com", "A")->value == "<third IP of site DC1>");
  REQUIRE(find(p, "mail.provider.com", "A")->value == "192.0.2.10");
}
