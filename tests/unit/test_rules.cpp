// The rules registry: metadata complete, ids unique, and the topology and client checks that
// moved there from the planner (R6 advice, R18, R20 reserved addresses, R11's table).
#include "support.hpp"

#include "rules/rule.hpp"

#include <certplan/rules.hpp>

#include <set>

using certplan::Severity;

namespace {

std::string regional(std::string_view exchange, std::string_view clients) {
  return std::string(R"(schema = 1
[organization]
name = "Contoso"
model = "regional"
exchange = ")") + std::string(exchange) + R"("
[[forest]]
name = "contoso"
smtp_domains = ["contoso.com"]
[[site]]
name = "NewYork"
namespace = "mail.usa.contoso.com"
  [[site.server]]
  name = "NYCAS01"
  fqdn = "nycas01.contoso.local"
[[site]]
name = "London"
namespace = "mail.europe.contoso.com"
  [[site.server]]
  name = "LONCAS01"
  fqdn = "loncas01.contoso.local"
[clients]
supported = )" + std::string(clients) + "\n";
}

const certplan::Finding* finding(const certplan::Plan& p, std::string_view rule, std::string_view part) {
  for (const auto& f : p.findings) {
    if (f.rule == rule && f.message.find(part) != std::string::npos) {
      return &f;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("every registered rule has an id, a title, a text, sources and a target; ids are unique", "[rules]") {
  std::set<std::string_view> ids;
  for (const auto* r : certplan::all_rules()) {
    INFO(r->id);
    REQUIRE(!r->id.empty());
    REQUIRE(!r->title.empty());
    REQUIRE(r->text.size() > 40);
    REQUIRE(!r->sources.empty());
    REQUIRE(!r->applies_to.empty());
    REQUIRE(ids.insert(r->id).second);
    REQUIRE(certplan::find_rule(r->id) == r);
  }
  for (int i = 1; i <= 20; ++i) {
    REQUIRE(certplan::find_rule("R" + std::to_string(i)) != nullptr);
  }
  REQUIRE(certplan::find_rule("r16") == certplan::find_rule("R16"));
  REQUIRE(certplan::find_rule("R21") == nullptr);
}

TEST_CASE("R11: SC-081's steps by the day a certificate is issued", "[rules]") {
  REQUIRE(certplan::max_public_validity_days(1598918400 - 1) == 0);    // 2020-08-31T23:59:59Z
  REQUIRE(certplan::max_public_validity_days(1598918400) == 398);      // 2020-09-01
  REQUIRE(certplan::max_public_validity_days(1773532800 - 1) == 398);  // 2026-03-14T23:59:59Z
  REQUIRE(certplan::max_public_validity_days(1773532800) == 200);      // 2026-03-15
  REQUIRE(certplan::max_public_validity_days(1805068800) == 100);      // 2027-03-15
  REQUIRE(certplan::max_public_validity_days(1868227200) == 47);       // 2029-03-15
}

TEST_CASE("R20: reserved IP addresses (BR 7.1.2.7.12)", "[rules]") {
  for (const auto* ip : {"10.1.2.3", "127.0.0.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.1.1",
                         "192.0.2.10", "198.51.100.1", "203.0.113.9", "0.1.2.3", "240.0.0.1", "::1", "fe80::1",
                         "fd00::1", "2001:db8::1", "::ffff:10.0.0.1"}) {
    INFO(ip);
    REQUIRE(certplan::rules::is_reserved_ip(ip));
  }
  for (const auto* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700::1111", "not an ip"}) {
    INFO(ip);
    REQUIRE_FALSE(certplan::rules::is_reserved_ip(ip));
  }
}

TEST_CASE("R18: Outlook 2010 with Exchange 2019 is outside Microsoft's matrix; with 2016 it is not", "[rules]") {
  const auto p2019 = test::plan(regional("2019", R"(["outlook-2010", "outlook-2016"])"));
  REQUIRE(finding(p2019, "R18", "Outlook 2010") != nullptr);
  REQUIRE(finding(p2019, "R18", "Outlook 2016") == nullptr);
  REQUIRE(finding(p2019, "R18", "Outlook 2010")->severity == Severity::warning);
  const auto p2016 = test::plan(regional("2016", R"(["outlook-2010", "outlook-2016"])"));
  REQUIRE(finding(p2016, "R18", "") == nullptr);
  const auto p2007 = test::plan(regional("2016", R"(["outlook-2007"])"));
  REQUIRE(finding(p2007, "R18", "Outlook 2007") != nullptr);
}

TEST_CASE("R6 advice: each site's servers through their own site's namespace, with the version's cmdlet", "[rules]") {
  const auto p = test::plan(regional("2019", R"(["outlook-2016"])"));
  const auto* f = finding(p, "R6", "split DNS");
  REQUIRE(f != nullptr);
  // Before: every site was sent to the first site's namespace, with Set-ClientAccessServer.
  REQUIRE(f->message.find("loncas01.contoso.local (site London): https://mail.europe.contoso.com/") != std::string::npos);
  REQUIRE(f->message.find("nycas01.contoso.local (site NewYork): https://mail.usa.contoso.com/") != std::string::npos);
  REQUIRE(f->message.find("Set-ClientAccessService -AutoDiscoverServiceInternalUri") != std::string::npos);
  const auto old = test::plan(regional("2010", R"(["outlook-2010"])"));
  REQUIRE(finding(old, "R6", "Set-ClientAccessServer -AutoDiscoverServiceInternalUri") != nullptr);
}

TEST_CASE("planned-certificate rules: a CN over 64 characters, an OU with a public CA, -KeySize 3072", "[rules]") {
  // Before: planned without a word; the .cnf then failed in openssl, the CA refused the OU and
  // New-ExchangeCertificate refused -KeySize 3072.
  const std::string long_ns = "mail." + std::string(56, 'a') + ".contoso.com"; // 73 characters
  std::string t = regional("2019", R"(["outlook-2016"])");
  t.replace(t.find("mail.usa.contoso.com"), 20, long_ns);
  const auto p = test::plan(t + "[certificates]\nkey = \"rsa:3072\"\n  [certificates.subject]\n  unit = \"IT\"\n");
  const auto* cn = finding(p, "R19", "73 characters");
  REQUIRE(cn != nullptr);
  REQUIRE(cn->severity == Severity::failure);
  REQUIRE(finding(p, "R19", "unit (OU) is refused by public CAs")->severity == Severity::failure);
  REQUIRE(finding(p, "R20", "-KeySize takes 1024, 2048 or 4096")->severity == Severity::warning);
  for (const auto& c : p.certificates) {
    INFO(c.exchange_command);
    REQUIRE(c.exchange_command.find("-KeySize 3072") == std::string::npos);
  }
  // An enterprise CA may keep its OU.
  std::string e = regional("2019", R"(["outlook-2016"])");
  const auto pe = test::plan(e + "[certificates]\nauthority = \"enterprise\"\n  [certificates.subject]\n  unit = \"IT\"\n");
  REQUIRE(finding(pe, "R19", "OU") == nullptr);
}
