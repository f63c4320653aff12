// The Botan adapter: requests keep the planned SAN order (R7) and subject order, and their
// signatures verify. Botan 3.5+ sorts AlternativeName: this is the test that catches it.
#include "support.hpp"

#include <certplan/audit.hpp>
#include <certplan/csr.hpp>
#include <certplan/io.hpp>
#include <certplan/x509.hpp>

namespace {

certplan::CsrSpec spec(std::string key, std::string param) {
  certplan::CsrSpec s;
  s.cn = "mail.contoso.com";
  // Deliberately not sorted: a sorting encoder would give a, autodiscover..., mail..., z...
  s.sans = {"mail.contoso.com", "z.contoso.com", "autodiscover.contoso.com", "a.contoso.com"};
  s.subject.country = "US";
  s.subject.state = "California";
  s.subject.organization = "Contoso Ltd";
  s.key = {std::move(key), std::move(param)};
  return s;
}

} // namespace

TEST_CASE("requests keep the planned SAN order and X.500 subject order", "[x509]") {
  for (const auto& [alg, param, type] : {std::tuple{"rsa", "2048", "rsa:2048"}, std::tuple{"ecdsa", "p256", "ecdsa:p256"},
                                         std::tuple{"ecdsa", "p384", "ecdsa:p384"}}) {
    INFO(type);
    const auto s = spec(alg, param);
    const auto req = certplan::generate_request(s, std::nullopt);
    REQUIRE(req.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    const auto info = certplan::read_request(req.csr_pem, "t.csr");
    REQUIRE(info.sans == s.sans);
    REQUIRE(info.cn == "mail.contoso.com");
    REQUIRE(info.signature_valid);
    REQUIRE(info.key_type == type);
    REQUIRE(info.subject.size() == 4);
    REQUIRE(info.subject.front() == std::pair<std::string, std::string>{"C", "US"});
    REQUIRE(info.subject.back() == std::pair<std::string, std::string>{"CN", "mail.contoso.com"});
  }
}

TEST_CASE("a passphrase gives an encrypted PKCS#8 key", "[x509]") {
  const auto req = certplan::generate_request(spec("ecdsa", "p256"), std::string("s3cret"));
  REQUIRE(req.key_pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  REQUIRE(req.key_pem.find("s3cret") == std::string::npos);
}

TEST_CASE("garbage is an input error, not a crash", "[x509]") {
  REQUIRE_THROWS_AS(certplan::read_request("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", "x.csr"),
                    certplan::Error);
  REQUIRE_THROWS_AS(certplan::generate_request(spec("rsa", "1024"), std::nullopt), certplan::Error); // R10
}

TEST_CASE("make_requests follows the plan and checks what it made", "[x509][csr]") {
  const auto topo = test::topo(std::string(test::k_consolidated) + "[certificates]\nkey = \"ecdsa:p256\"\n");
  const auto plan = certplan::make_plan(topo, certplan::ClientCatalog::builtin());
  const auto out = certplan::make_requests(plan, topo, {}, std::nullopt, std::nullopt, 2);
  REQUIRE(out.size() == plan.certificates.size());
  const auto info = certplan::read_request(out[0].csr_pem, "x");
  REQUIRE(info.sans == plan.certificates[0].sans);
  const auto check = certplan::check_request(plan, info);
  REQUIRE(check.severity == certplan::Severity::info);
  REQUIRE(check.order_ok);
  auto reordered = info;
  std::swap(reordered.sans[1], reordered.sans[2]);
  REQUIRE(certplan::check_request(plan, reordered).severity == certplan::Severity::warning);
  auto wrong_cn = info;
  wrong_cn.cn = "autodiscover.contoso.com";
  REQUIRE(certplan::check_request(plan, wrong_cn).severity == certplan::Severity::failure);
  REQUIRE_THROWS_AS(certplan::make_requests(plan, topo, {"nope"}, std::nullopt, std::nullopt, 1), certplan::Error);
  REQUIRE(out[0].cnf.find("DNS.2 = autodiscover.contoso.com") != std::string::npos);
}

TEST_CASE("certificates are read with their SANs in encoded order (openssl-made fixture)", "[x509]") {
  const auto text = certplan::read_file(std::string(CERTPLAN_TEST_DATA) + "/certs/san-order.pem");
  const auto certs = certplan::read_certificates(text, "san-order.pem");
  REQUIRE(certs.size() == 1);
  REQUIRE(certs[0].subject_cn == "mail.contoso.com");
  REQUIRE(certs[0].dns_sans == std::vector<std::string>{"mail.contoso.com", "z.contoso.com", "autodiscover.contoso.com"});
  REQUIRE(certs[0].ip_sans == std::vector<std::string>{"192.0.2.7", "2001:db8:0:0:0:0:0:1"});
  REQUIRE(certs[0].self_signed);
  REQUIRE(certs[0].sha256_fingerprint.size() == 95);
  REQUIRE_THROWS_AS(certplan::read_certificates("no certificate here", "x.pem"), certplan::Error);
}

TEST_CASE("R11: the public validity limit in force at notBefore (CA/B BR 6.3.2, SC-081)", "[x509]") {
  REQUIRE(certplan::max_public_validity_days(1598918399) == 0);   // 2020-08-31T23:59:59Z
  REQUIRE(certplan::max_public_validity_days(1598918400) == 398); // 2020-09-01
  REQUIRE(certplan::max_public_validity_days(1773532799) == 398); // 2026-03-14T23:59:59Z
  REQUIRE(certplan::max_public_validity_days(1773532800) == 200); // 2026-03-15
  REQUIRE(certplan::max_public_validity_days(1805068800) == 100); // 2027-03-15
  REQUIRE(certplan::max_public_validity_days(1868227199) == 100); // 2029-03-14T23:59:59Z
  REQUIRE(certplan::max_public_validity_days(1868227200) == 47);  // 2029-03-15
}
