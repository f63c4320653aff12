// make_plan_viewing (issue 18): a hoster's tenant records made as they are rendered must give
// the bytes make_plan gives, in every format, and fall back to make_plan wherever a tenant's
// name meets the provider's.
#include "support.hpp"

#include <certplan/io.hpp>
#include <certplan/render.hpp>

#include "tenant/runbook.hpp"

#include <fmt/format.h>

#include <sstream>

namespace {

std::string rendered(const certplan::Plan& p, certplan::Format f, certplan::JsonStyle style) {
  std::ostringstream out;
  certplan::write_plan(out, p, f, style);
  return out.str();
}

// Both plans of `text` render alike in all four forms; returns whether the view was used.
bool same_both_ways(const std::string& text) {
  const auto t = test::topo(text);
  const auto& catalog = certplan::ClientCatalog::builtin();
  const auto whole = certplan::make_plan(t, catalog);
  const auto viewed = certplan::make_plan_viewing(t, catalog);
  REQUIRE(whole.tenant_records == nullptr);
  REQUIRE(viewed.namespace_count() == whole.namespaces.size());
  REQUIRE(viewed.dns_record_count() == whole.dns_records.size());
  for (const auto f : {certplan::Format::text, certplan::Format::markdown, certplan::Format::json}) {
    for (const auto s : {certplan::JsonStyle::indented, certplan::JsonStyle::compact}) {
      REQUIRE(rendered(viewed, f, s) == rendered(whole, f, s));
    }
  }
  // for_each_* visit exactly the vectors make_plan fills, in their order.
  std::size_t i = 0;
  certplan::for_each_namespace(viewed, [&](const certplan::Namespace& n) {
    REQUIRE(i < whole.namespaces.size());
    CHECK(n.fqdn.ascii == whole.namespaces[i].fqdn.ascii);
    CHECK(n.tenant == whole.namespaces[i++].tenant);
  });
  REQUIRE(i == whole.namespaces.size());
  i = 0;
  certplan::for_each_dns_record(viewed, [&](const certplan::DnsRecord& r) {
    REQUIRE(i < whole.dns_records.size());
    CHECK(r.name == whole.dns_records[i].name);
    CHECK(r.note == whole.dns_records[i++].note);
  });
  REQUIRE(i == whole.dns_records.size());
  return viewed.tenant_records != nullptr;
}

std::string tenants(std::size_t n, bool webmail) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += fmt::format("[[tenant]]\nname = \"T{0}\"\ndomains = [\"t{0}.com\", \"t{0}.net\"]\n", i);
    if (webmail && i % 3 != 1) {
      out += fmt::format("webmail = \"webmail.t{}.com\"\n", i);
    }
  }
  return out;
}

test::Hosted hosted(std::string method, std::size_t n) {
  test::Hosted h;
  h.autodiscover = std::move(method);
  h.hosting = "redirect_host = \"autodiscoverredirect.provider.com\"\nwebmail_redirect_host = \"webmailredirect.provider.com\"\n";
  h.tenants = tenants(n, true);
  return h;
}

} // namespace

TEST_CASE("every example: the viewed plan renders as make_plan's", "[plan][view]") {
  for (const char* name : {"consolidated.toml", "hosted-san.toml", "hosted.toml", "multi-forest.toml",
                           "multisite-single-namespace.toml", "proxy-sites.toml", "regional.toml", "wildcard-wm5.toml"}) {
    INFO(name);
    const std::string text = certplan::read_file(std::string(CERTPLAN_TEST_DATA) + "/../../examples/" + name);
    const bool viewed = same_both_ways(text);
    // Only the hosted example with redirected autodiscover leaves its tenants to the view.
    CHECK(viewed == (std::string_view(name) == "hosted.toml"));
  }
}

TEST_CASE("hosted redirect and srv, 3,000 tenants: viewed, byte for byte", "[plan][view]") {
  REQUIRE(same_both_ways(hosted("redirect", 3000).toml()));
  REQUIRE(same_both_ways(hosted("srv", 3000).toml()));
  REQUIRE(same_both_ways(hosted("redirect", 1).toml()));
}

TEST_CASE("tenant names on the certificate (san) are never left to the view", "[plan][view]") {
  REQUIRE_FALSE(same_both_ways(hosted("san", 50).toml()));
}

TEST_CASE("an MX target behind a CNAME: each viewed tenant MX is rewritten as make_plan rewrites it", "[plan][view]") {
  auto h = hosted("redirect", 20);
  const std::string text = [&] {
    std::string t = h.toml();
    // R5: SMTP on its own host, a CNAME of the namespace: every MX then names the namespace.
    return t.replace(t.find("[hosting]"), 0, "[services]\nsmtp = { host = \"smtp.provider.com\" }\n");
  }();
  REQUIRE(same_both_ways(text));
  const auto t = test::topo(text);
  const auto viewed = certplan::make_plan_viewing(t, certplan::ClientCatalog::builtin());
  const auto json = rendered(viewed, certplan::Format::json, certplan::JsonStyle::compact);
  REQUIRE(json.find("\"name\":\"t7.net\",\"type\":\"MX\",\"value\":\"10 mail.provider.com.\"") != std::string::npos);
  REQUIRE(json.find("not the alias smtp.provider.com") != std::string::npos);
}

TEST_CASE("a tenant name the provider also uses: make_plan decides", "[plan][view]") {
  // A tenant domain whose autodiscover name is the provider's redirect host's: the names merge.
  auto h = hosted("redirect", 5);
  h.hosting = "redirect_host = \"autodiscover.redirect.example\"\nwebmail_redirect_host = \"webmailredirect.provider.com\"\n";
  h.tenants += "[[tenant]]\nname = \"Clash\"\ndomains = [\"redirect.example\"]\n";
  REQUIRE_FALSE(same_both_ways(h.toml()));
  // A webmail host named like another tenant's autodiscover name.
  auto w = hosted("redirect", 5);
  w.tenants += "[[tenant]]\nname = \"Odd\"\ndomains = [\"odd.example\"]\nwebmail = \"autodiscover.t2.com\"\n";
  REQUIRE_FALSE(same_both_ways(w.toml()));
}

TEST_CASE("tenant runbook from viewed plans: the records of plans made whole", "[tenant][view]") {
  const auto& catalog = certplan::ClientCatalog::builtin();
  auto h = hosted("redirect", 40);
  const auto without = test::topo(h.toml());
  h.tenants += "[[tenant]]\nname = \"New\"\ndomains = [\"new.example\", \"shop.t3.com\"]\nwebmail = \"webmail.new.example\"\n";
  const auto with = test::topo(h.toml());
  const auto& tenant = with.tenants.back();
  const auto viewed = certplan::make_runbook(certplan::TenantAction::add, with, tenant,
                                             certplan::make_plan_viewing(with, catalog),
                                             certplan::make_plan_viewing(without, catalog));
  const auto whole = certplan::make_runbook(certplan::TenantAction::add, with, tenant, certplan::make_plan(with, catalog),
                                            certplan::make_plan(without, catalog));
  const auto keys = [](const std::vector<certplan::DnsRecord>& list) {
    std::vector<std::string> out;
    for (const auto& r : list) {
      out.push_back(fmt::format("{} {} {} {} {} {}", r.view, r.zone, r.name, r.type, r.value, r.note));
    }
    return out;
  };
  REQUIRE(keys(whole.tenant_records).size() == 5); // 2 x (autodiscover CNAME, MX) and the webmail CNAME
  REQUIRE(keys(viewed.tenant_records) == keys(whole.tenant_records));
  REQUIRE(keys(viewed.provider_records) == keys(whole.provider_records));
  // Plans made differently are refused rather than compared wrongly.
  REQUIRE_THROWS_AS(certplan::make_runbook(certplan::TenantAction::add, with, tenant, certplan::make_plan(with, catalog),
                                           certplan::make_plan_viewing(without, catalog)),
                    certplan::Error);
}
