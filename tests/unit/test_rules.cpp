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

namespace {

// A certificate every check marked same_for_certificate has something to say about: an
// internal name and a reserved IP address among the SANs (R6, R20), a CN not among them (R19),
// expired with an expired intermediate and no serverAuth (R11), a key given that is not its
// own (key), on a chain that validates under a topology promising a public CA.
certplan::AuditCertificate faulty_certificate() {
  certplan::AuditCertificate c;
  c.source = "faulty.pem";
  auto& leaf = c.leaf;
  leaf.subject_cn = "other.contoso.com";
  leaf.dns_sans = {"mail.contoso.com", "*.contoso.com", "srv01.contoso.local", "autodiscover.contoso.com"};
  leaf.ip_sans = {"10.0.0.1"};
  leaf.issuer = "Test CA";
  leaf.not_before_unix = 1700000000;
  leaf.not_after_unix = 1700000000 + 90 * 86400;
  leaf.not_before = "2023-11-14T22:13:20Z";
  leaf.not_after = "2024-02-12T22:13:20Z";
  leaf.sha256_fingerprint = "AA:BB";
  leaf.key_type = "rsa:2048";
  leaf.key_bits = 2048;
  leaf.signature_hash = "SHA-256";
  leaf.eku_present = true;
  leaf.server_auth = false;
  certplan::CertificateInfo ca = leaf;
  ca.subject_cn = "Test Intermediate";
  ca.dns_sans.clear();
  ca.ip_sans.clear();
  c.intermediates = {ca};
  c.chain.trusted = true;
  c.chain.status = "Verified";
  c.services = {"iis"};
  c.key_matches = false;
  return c;
}

} // namespace

TEST_CASE("checks marked same_for_certificate say the same at every endpoint, for every client", "[rules]") {
  const auto cert = faulty_certificate();
  const auto& catalog = certplan::ClientCatalog::builtin();
  const long long at = 1800000000; // after the leaf's notAfter
  std::vector<std::unique_ptr<certplan::rules::Meeting>> meetings;
  for (const auto& client : catalog.all()) {
    for (const std::string_view host : {"mail.contoso.com", "autodiscover.contoso.com", "owa.fabrikam.com", "srv01"}) {
      for (const std::string_view service : {"iis", "smtp", "imap"}) {
        for (const bool named : {false, true}) {
          meetings.push_back(std::make_unique<certplan::rules::Meeting>(certplan::rules::Meeting{
              .host = host,
              .service = service,
              .outlook_anywhere = named,
              .client = client,
              .certificate = cert,
              .authority = certplan::Authority::public_,
              .exchange = certplan::ExchangeVersion::v2019,
              .at = at,
              .named_exactly = named,
              .principal = named ? "msstd:other.contoso.com" : ""}));
        }
      }
    }
  }
  std::size_t marked = 0;
  for (const auto* def : certplan::rules::registry()) {
    if (!def->same_for_certificate) {
      continue;
    }
    ++marked;
    INFO(def->info.id);
    REQUIRE(def->at_endpoint != nullptr);
    certplan::rules::Verdicts first;
    def->at_endpoint(*meetings.front(), first);
    REQUIRE(!first.empty()); // the certificate gives each marked check something to say
    for (const auto& m : meetings) {
      INFO(m->client.id << " " << m->host << " " << m->service);
      certplan::rules::Verdicts v;
      def->at_endpoint(*m, v);
      REQUIRE(v.size() == first.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        REQUIRE(v[i].rule == first[i].rule);
        REQUIRE(v[i].severity == first[i].severity);
        REQUIRE(v[i].message == first[i].message);
      }
    }
  }
  REQUIRE(marked >= 5); // R6, R11, R19, R20, key

  // judge_meeting with a memo gives, in order, what it gives without one: two certificates
  // met alternately, the second one clean.
  auto clean = cert;
  clean.leaf.subject_cn = "mail.contoso.com";
  clean.leaf.dns_sans = {"mail.contoso.com"};
  clean.leaf.ip_sans.clear();
  clean.leaf.not_after_unix = at + 86400;
  clean.leaf.server_auth = true;
  clean.intermediates.clear();
  clean.key_matches.reset();
  const std::vector<const certplan::AuditCertificate*> certs{&cert, &clean};
  certplan::rules::CertificateMemo memo(certs.size());
  for (std::size_t k = 0; k < meetings.size(); ++k) {
    const std::size_t which = k % 2;
    certplan::rules::Meeting m{.host = meetings[k]->host,
                               .service = meetings[k]->service,
                               .outlook_anywhere = meetings[k]->outlook_anywhere,
                               .client = meetings[k]->client,
                               .certificate = *certs[which],
                               .at = at,
                               .named_exactly = meetings[k]->named_exactly,
                               .principal = meetings[k]->principal};
    certplan::rules::Meeting again = m;
    const auto plain = certplan::rules::judge_meeting(m);
    const auto kept = certplan::rules::judge_meeting(again, &memo, which);
    INFO(k);
    REQUIRE(kept.size() == plain.size());
    for (std::size_t i = 0; i < kept.size(); ++i) {
      REQUIRE(kept[i].rule == plain[i].rule);
      REQUIRE(kept[i].severity == plain[i].severity);
      REQUIRE(kept[i].message == plain[i].message);
    }
  }
}
