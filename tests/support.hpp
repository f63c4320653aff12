// Shared test helpers.
#pragma once

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <certplan/clients.hpp>
#include <certplan/error.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace test {

inline certplan::Topology topo(std::string_view text) {
  return certplan::parse_topology(text, "t.toml", certplan::ClientCatalog::builtin());
}

inline certplan::Plan plan(std::string_view text) {
  return certplan::make_plan(topo(text), certplan::ClientCatalog::builtin());
}

// The position and message of the error parsing `text` raises ("" when none).
inline std::string load_error(std::string_view text) {
  try {
    topo(text);
  } catch (const certplan::Error& e) {
    return e.what();
  }
  return "";
}

inline bool has_finding(const certplan::Plan& p, std::string_view rule, certplan::Severity s) {
  return std::any_of(p.findings.begin(), p.findings.end(),
                     [&](const certplan::Finding& f) { return f.rule == rule && f.severity == s; });
}

inline const certplan::Namespace* find_ns(const certplan::Plan& p, std::string_view fqdn) {
  for (const auto& n : p.namespaces) {
    if (n.fqdn.ascii == fqdn) {
      return &n;
    }
  }
  return nullptr;
}

// The provider's part of a hosted topology, before its [hosting] table (tests add that, any
// [services.*] and the tenants).
inline const char* k_hosted_provider = R"(schema = 1
[organization]
name = "HostingCompany"
model = "hosted"
[[forest]]
name = "provider"
smtp_domains = ["provider.com"]
[[site]]
name = "DC1"
namespace = "mail.provider.com"
  [[site.server]]
  name = "EX01"
  ip = "192.0.2.10"
  secondary_ip = "192.0.2.11"
)";

// A small consolidated topology, for tests that vary one part of it.
inline const char* k_consolidated = R"(schema = 1
[organization]
name = "Contoso"
exchange = "2016"
model = "consolidated"

[[forest]]
name = "contoso"
ad_domain = "contoso.local"
smtp_domains = ["contoso.com", "contoso.co.uk"]

[[site]]
name = "NewYork"
internet_facing = true
namespace = "mail.contoso.com"
  [[site.server]]
  name = "CAS01"
  fqdn = "cas01.contoso.local"
  roles = ["client-access", "mailbox"]
  ip = "203.0.113.10"
)";

// A hosted topology in seed 000's shape: provider.com served by DC1/EX01 (ex01.provider.com,
// 192.0.2.10, redirect sites on 192.0.2.11). Each piece is TOML appended to its table.
struct Hosted {
  std::string autodiscover;  // [hosting] autodiscover; "" keeps the default
  std::string clients;       // [clients] supported array; "" leaves [clients] out
  std::string certificates;  // [certificates] keys
  std::string hosting;       // extra [hosting] keys
  std::string tenants = "[[tenant]]\nname = \"TenantCompany\"\ndomains = [\"tenant.com\"]\n";

  std::string toml() const {
    std::string t = "schema = 1\n[organization]\nname = \"HostingCompany\"\nexchange = \"2010\"\nmodel = \"hosted\"\n"
                    "[[forest]]\nname = \"provider\"\nad_domain = \"provider.local\"\nsmtp_domains = [\"provider.com\"]\n"
                    "[[site]]\nname = \"DC1\"\nnamespace = \"mail.provider.com\"\n"
                    "  [[site.server]]\n  name = \"EX01\"\n  fqdn = \"ex01.provider.com\"\n  ip = \"192.0.2.10\"\n"
                    "  secondary_ip = \"192.0.2.11\"\n";
    if (!clients.empty()) {
      t += "[clients]\nsupported = " + clients + "\n";
    }
    t += "[certificates]\n" + certificates + "[hosting]\nprovider_domain = \"provider.com\"\n";
    if (!autodiscover.empty()) {
      t += "autodiscover = \"" + autodiscover + "\"\n";
    }
    return t + hosting + tenants;
  }
};

} // namespace test
