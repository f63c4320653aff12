// --compare-autodiscover: a hoster of 250 tenants with max_names = 100 (issue 3's figures).
#include "support.hpp"

#include <certplan/compare.hpp>

namespace {

std::string hoster(std::size_t tenants, std::string_view clients) {
  test::Hosted h;
  h.clients = std::string(clients);
  h.certificates = "max_names = 100\n";
  h.tenants.clear();
  for (std::size_t i = 0; i < tenants; ++i) {
    h.tenants += "[[tenant]]\nname = \"T" + std::to_string(i) + "\"\ndomains = [\"t" + std::to_string(i) + ".com\"]\n";
  }
  return h.toml();
}

const certplan::OptionSummary& option(const certplan::Comparison& c, certplan::AutodiscoverMethod m) {
  return *std::find_if(c.options.begin(), c.options.end(), [&](const auto& o) { return o.method == m; });
}

} // namespace

TEST_CASE("250 tenants, max_names 100, a client without SNI: the figures of each option", "[compare]") {
  const auto topo = test::topo(hoster(250, R"(["outlook-2016", "windows-mobile-6"])"));
  const auto c = certplan::compare_autodiscover(topo, certplan::ClientCatalog::builtin());
  REQUIRE(c.tenants == 250);
  using M = certplan::AutodiscoverMethod;
  const auto& redirect = option(c, M::redirect);
  const auto& srv = option(c, M::srv);
  const auto& san = option(c, M::san);
  // Provider names only: mail + autodiscover.provider.com.
  REQUIRE(redirect.certificate_ids.size() == 1);
  REQUIRE(redirect.names_on_certificates == 2);
  REQUIRE(srv.certificate_ids.size() == 1);
  // 2 + 250 names over certificates of at most 100 (R9): 100 + 100 + 52.
  REQUIRE(san.certificate_ids.size() == 3);
  REQUIRE(san.names_on_certificates == 252);
  // R12: windows-mobile-6 sends no SNI, so each certificate on 443 needs its own IP; the
  // redirect web site needs one more.
  REQUIRE(redirect.ip_addresses == 2);
  REQUIRE(redirect.ip_detail.find("Default Web Site's 443 to the primary IP only") != std::string::npos);
  REQUIRE(srv.ip_addresses == 1);
  REQUIRE(san.ip_addresses == 3);
  // CNAME (or SRV) + MX per tenant.
  REQUIRE(redirect.dns_records_per_tenant == 2.0);
  REQUIRE(srv.tenant_records.front().find("SRV 0 0 443 autodiscover.provider.com.") != std::string::npos);
  REQUIRE(san.reissue_on_tenant_change);
  REQUIRE_FALSE(redirect.reissue_on_tenant_change);
  // Users: Outlook is prompted by redirect and SRV, silent with SAN.
  REQUIRE(redirect.clients[0].experience == certplan::Experience::prompt);
  REQUIRE(srv.clients[0].experience == certplan::Experience::prompt);
  REQUIRE(san.clients[0].experience == certplan::Experience::silent);
  REQUIRE(redirect.clients[1].experience == certplan::Experience::manual);
}

TEST_CASE("with SNI everywhere the SAN option needs one address", "[compare]") {
  const auto topo = test::topo(hoster(250, R"(["outlook-2016"])"));
  const auto c = certplan::compare_autodiscover(topo, certplan::ClientCatalog::builtin());
  REQUIRE(option(c, certplan::AutodiscoverMethod::san).ip_addresses == 1);
}

TEST_CASE("a client that fails on the certificates is reported as failing", "[compare]") {
  auto text = hoster(3, R"(["windows-mobile-5"])");
  text.replace(text.find("max_names = 100"), 15, "max_names = 100\nstrategy = \"wildcard\"");
  const auto c = certplan::compare_autodiscover(test::topo(text), certplan::ClientCatalog::builtin());
  REQUIRE(option(c, certplan::AutodiscoverMethod::san).clients[0].experience == certplan::Experience::fails);
}

TEST_CASE("comparing needs the hosted model", "[compare]") {
  REQUIRE_THROWS_AS(certplan::compare_autodiscover(test::topo(test::k_consolidated), certplan::ClientCatalog::builtin()),
                    certplan::Error);
}
