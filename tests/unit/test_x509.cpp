// The Botan adapter: requests keep the planned SAN order (R7) and subject order, and their
// signatures verify. Botan 3.5+ sorts AlternativeName: this is the test that catches it.
#include "support.hpp"

#include <certplan/audit.hpp>
#include <certplan/csr.hpp>
#include <certplan/io.hpp>
#include <certplan/x509.hpp>

#include <fmt/format.h>

#include <tuple>

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

TEST_CASE("ECDSA requests sign with the hash BR 7.1.3.2 pairs with the curve (R20)", "[x509]") {
  for (const auto& [param, digest] : {std::pair{"p256", "256"}, std::pair{"p384", "384"}, std::pair{"p521", "512"}}) {
    INFO(param);
    const auto info = certplan::read_request(certplan::generate_request(spec("ecdsa", param), std::nullopt).csr_pem, "t.csr");
    REQUIRE(info.signature_valid);
    INFO(info.signature);
    REQUIRE(info.signature.find(digest) != std::string::npos);
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
  REQUIRE(out[0].cnf.find("DNS.2 = \"autodiscover.contoso.com\"") != std::string::npos);
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

TEST_CASE("ChainValidator::read gives what read_certificates and check give, errors included", "[x509]") {
  const auto text = certplan::read_file(std::string(CERTPLAN_TEST_DATA) + "/certs/san-order.pem");
  const certplan::ChainValidator validator(""); // the system store: this self-signed leaf is not in it
  const long long at = 1767225600;
  const auto read = validator.read(text, "san-order.pem", at, 1000);
  const auto certs = certplan::read_certificates(text, "san-order.pem");
  REQUIRE(read.certificates.size() == certs.size());
  CHECK(read.certificates[0].sha256_fingerprint == certs[0].sha256_fingerprint);
  CHECK(read.certificates[0].dns_sans == certs[0].dns_sans);
  const auto check = validator.check(text, "san-order.pem", at);
  CHECK_FALSE(read.chain.trusted);
  CHECK(read.chain.status == check.status);
  CHECK(read.chain.dates_only == check.dates_only);
  const auto message = [](const auto& f) {
    try {
      f();
    } catch (const certplan::Error& e) {
      return e.message();
    }
    return std::string("no error");
  };
  for (const std::size_t max : {std::size_t{0}, std::size_t{1000}}) {
    // A good file, garbage, and a PEM block cut in half.
    const std::string cut = text.substr(0, text.size() / 2) + "\n-----END CERTIFICATE-----\n";
    for (const std::string& data : {text, std::string("no certificate here"), cut}) {
      INFO(max << " " << data.size());
      const std::string expected = message([&] { certplan::read_certificates(data, "f.pem", max); });
      CHECK(message([&] { validator.read(data, "f.pem", at, max); }) == expected);
    }
  }
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

#include "summary_fields.hpp"
#include "x509/der_fields.hpp"

#include <certplan/error.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

namespace {

std::vector<std::uint8_t> der_of(const std::string& pem) {
  const auto b = pem.find("-----BEGIN CERTIFICATE-----") + 27;
  const auto e = pem.find("-----END CERTIFICATE-----");
  std::vector<std::uint8_t> der;
  REQUIRE(certplan::x509::decode_base64(std::string_view(pem).substr(b, e - b), der));
  return der;
}

void require_same(const certplan::CertificateInfo& fast, const certplan::CertificateInfo& full) {
  const char* differs = test::first_difference(fast, full);
  INFO("the walk and Botan differ in: " << (differs ? differs : "nothing"));
  CHECK(differs == nullptr);
}

} // namespace

TEST_CASE("the fast DER walk agrees with Botan's full parse on the agreement corpus", "[x509][agreement]") {
  // What the walk leaves to Botan on purpose: an issuer shown as a whole DN, a BMPString CN
  // (Botan converts it). Times before 1970 are read by both (Botan's own time conversion
  // refuses them, so the adapter does not use it).
  const std::set<std::string> declined{"issuer-without-cn", "bmp-cn"};
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CERTPLAN_TEST_DATA) + "/certs/agreement")) {
    if (entry.path().extension() != ".pem") {
      continue;
    }
    ++files;
    const std::string name = entry.path().stem().string();
    INFO(name);
    const std::string pem = certplan::read_file(entry.path().string());
    const auto der = der_of(pem);
    const auto walked = certplan::x509::read_der_fields({der.data(), der.size()});
    CHECK(walked.has_value() == (declined.count(name) == 0));
    std::optional<certplan::CertificateInfo> full;
    try {
      full = certplan::read_certificates(pem, name).front();
    } catch (const certplan::Error&) {
    }
    if (name == "no-expiry-9999") {
      // RFC 5280 4.1.2.5's "no expiry" 99991231235959Z: Botan refuses the certificate (3.7.1's
      // ASN1_Time accepts years 1950-3100: "does not seem to be valid"), the walk reads it. The one documented disagreement:
      // expiry reports such a certificate; audit and match, which need Botan, cannot read it.
      CHECK_FALSE(full);
      CHECK(certplan::read_certificate_summary(pem).not_after == "9999-12-31T23:59:59Z");
      continue;
    }
    REQUIRE(full);
    require_same(certplan::read_certificate_summary(pem), *full);
    // Without the SAN lists: everything else as read, the lists empty (whichever reader took it).
    certplan::CertificateInfo without = *full;
    without.dns_sans.clear();
    without.ip_sans.clear();
    const certplan::CertificateInfo skipped = certplan::read_certificate_summary(pem, certplan::SanLists::skip);
    CHECK(skipped.dns_sans.empty());
    CHECK(skipped.ip_sans.empty());
    require_same(skipped, without);
    const std::string raw(der.begin(), der.end());
    require_same(certplan::read_certificate_summary(raw), *full); // the same certificate as DER
  }
  CHECK(files == 19);
}

TEST_CASE("every truncation and every bit flip is refused or read as Botan reads it", "[x509][agreement]") {
  const auto name = GENERATE(as<std::string>{}, "rsa-sans-ips", "ec-cn-only", "generalized-time", "utf8-cn", "two-cns",
                             "multi-valued-rdn", "no-cn", "big-serial", "critical-san", "self-signed", "v1");
  INFO(name);
  const std::string pem = certplan::read_file(std::string(CERTPLAN_TEST_DATA) + "/certs/agreement/" + name + ".pem");
  const auto der = der_of(pem);
  std::size_t both = 0;
  std::size_t fast_only = 0;
  std::size_t sans_disagree = 0;
  for (std::size_t n = 0; n < der.size(); ++n) { // every proper prefix is malformed
    CHECK_FALSE(certplan::x509::read_der_fields({der.data(), n}).has_value());
    CHECK_THROWS_AS(certplan::read_certificate_summary(std::string(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(n))),
                    certplan::Error);
  }
  for (std::size_t i = 0; i < der.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped(der.begin(), der.end());
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      std::optional<certplan::CertificateInfo> fast;
      std::optional<certplan::CertificateInfo> full;
      std::optional<certplan::CertificateInfo> no_sans;
      try {
        fast = certplan::read_certificate_summary(flipped);
      } catch (const certplan::Error&) {
      }
      try {
        no_sans = certplan::read_certificate_summary(flipped, certplan::SanLists::skip);
      } catch (const certplan::Error&) {
      }
      // Skipping the SAN lists reads, or refuses, exactly what keeping them does.
      if (fast.has_value() != no_sans.has_value()) {
        ++sans_disagree;
      } else if (fast) {
        certplan::CertificateInfo without = *fast;
        without.dns_sans.clear();
        without.ip_sans.clear();
        sans_disagree += test::first_difference(*no_sans, without) != nullptr || !no_sans->dns_sans.empty() ||
                         !no_sans->ip_sans.empty();
      }
      try {
        full = certplan::read_certificates(flipped, "flipped").front();
      } catch (const certplan::Error&) {
      }
      if (fast && full) {
        INFO("byte " << i << " bit " << bit);
        ++both;
        require_same(*fast, *full);
      } else if (fast) {
        ++fast_only; // the walk does not decode the key or the other extensions, Botan does
      }
    }
  }
  // Flips in the signature bits leave a certificate both read: the comparison above ran.
  // The walk alone reads flips in the key (an EC point off its curve, which Botan refuses)
  // and in extensions it does not decode: dates and names are still what the bytes say.
  CHECK(both > der.size());
  CHECK(both + fast_only < der.size() * 8);
  CHECK(sans_disagree == 0);
}

TEST_CASE("the PEM base64 decoder accepts only well-formed bodies", "[x509]") {
  std::vector<std::uint8_t> out;
  CHECK(certplan::x509::decode_base64("TWFu\r\nTWE=\n", out));
  CHECK(std::string(out.begin(), out.end()) == "ManMa");
  CHECK(certplan::x509::decode_base64("TQ==", out));
  CHECK(std::string(out.begin(), out.end()) == "M");
  CHECK_FALSE(certplan::x509::decode_base64("TQ==TWFu", out)); // digits after padding
  CHECK_FALSE(certplan::x509::decode_base64("TWF", out));      // an incomplete group
  CHECK_FALSE(certplan::x509::decode_base64("T===", out));
  CHECK_FALSE(certplan::x509::decode_base64("TW!u", out));
  CHECK(certplan::der_element_size(std::string("\x30\x03\x01\x01\xff\x00", 6)) == 5);
  CHECK(certplan::der_element_size(std::string("\x30\x82\xff\xff\x00", 5)) == 0); // runs past the end
  CHECK(certplan::der_element_size(std::string("\x30\x80\x00\x00", 4)) == 0);     // indefinite length: not DER
}

TEST_CASE("dates are formatted as RFC 3339 UTC across eras", "[x509]") {
  CHECK(certplan::format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(certplan::format_rfc3339(951782400) == "2000-02-29T00:00:00Z");
  CHECK(certplan::format_rfc3339(2524607999) == "2049-12-31T23:59:59Z");
  CHECK(certplan::format_rfc3339(-1) == "1969-12-31T23:59:59Z");
  CHECK(certplan::x509::days_from_civil(2000, 3, 1) == 11017);
}

TEST_CASE("the PEM base64 decoder agrees with a per-character decoder on random bodies", "[x509]") {
  // The reference: one character at a time, the rules decode_base64 promises (white space
  // skipped, '=' only at the end and completing the last group). The decoder under test reads
  // whole groups at once; it must answer the same on every input.
  const auto reference = [](std::string_view text, std::vector<std::uint8_t>& out) {
    static const std::string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.clear();
    std::uint32_t acc = 0;
    unsigned have = 0;
    unsigned pad = 0;
    for (const char c : text) {
      if (const auto d = digits.find(c); d != std::string::npos) {
        if (pad != 0) {
          return false;
        }
        acc = acc << 6 | static_cast<std::uint32_t>(d);
        if (++have == 4) {
          out.insert(out.end(), {static_cast<std::uint8_t>(acc >> 16), static_cast<std::uint8_t>(acc >> 8),
                                 static_cast<std::uint8_t>(acc)});
          acc = 0;
          have = 0;
        }
      } else if (c == '=') {
        ++pad;
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return false;
      }
    }
    if (pad > 2 || (have + pad) % 4 != 0 || (pad != 0 && have < 2)) {
      return false;
    }
    if (have == 2) {
      out.push_back(static_cast<std::uint8_t>(acc >> 4));
    } else if (have == 3) {
      out.push_back(static_cast<std::uint8_t>(acc >> 10));
      out.push_back(static_cast<std::uint8_t>(acc >> 2));
    }
    return true;
  };
  // Mostly digits, with line breaks, padding and now and then a bad character, so that both
  // answers and every path (whole groups, groups cut by a line break, padding) occur.
  const std::string alphabet = "AQgw/+z9AQgw/+z9AQgw/+z9\n\n\r =!";
  std::uint32_t seed = 20261206;
  const auto next = [&seed] { return seed = seed * 1664525U + 1013904223U; };
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string body(next() % 150, 'A');
    for (auto& c : body) {
      c = alphabet[(next() >> 8) % alphabet.size()];
    }
    if (round % 2 == 0) { // a well-formed body: digits in lines of 64, padded
      body.erase(std::remove_if(body.begin(), body.end(), [](char c) { return c == '=' || c == '!' || std::isspace(static_cast<unsigned char>(c)); }),
                 body.end());
      body.resize(body.size() / 4 * 4);
      if (!body.empty() && round % 3 == 0) {
        body.back() = '=';
      }
      for (std::size_t at = 64; at < body.size(); at += 65) {
        body.insert(at, "\n");
      }
    }
    std::vector<std::uint8_t> fast;
    std::vector<std::uint8_t> slow;
    const bool ok = certplan::x509::decode_base64(body, fast);
    INFO(body);
    REQUIRE(ok == reference(body, slow));
    if (ok) {
      ++accepted;
      REQUIRE(fast == slow);
    }
  }
  CHECK(accepted > 5000);
  CHECK(accepted < 20000);
}

TEST_CASE("an RSA key's size is its modulus's, as openssl prints it (odd sizes too)", "[x509]") {
  // tests/data/certs/rsa-sizes/make.sh: openssl's "Public-Key: (N bit)" above each PEM.
  for (const auto& [file, type, bits] : {std::tuple{"rsa1024.pem", "rsa:1024", 1024}, std::tuple{"rsa2047.pem", "rsa:2047", 2047},
                                         std::tuple{"rsa3072.pem", "rsa:3072", 3072}}) {
    INFO(file);
    const std::string path = std::string(CERTPLAN_TEST_DATA) + "/certs/rsa-sizes/" + file;
    const std::string data = certplan::read_file(path, certplan::InputLimits{});
    const std::string oracle = fmt::format("Public-Key: ({} bit)", bits);
    REQUIRE(data.find(oracle) != std::string::npos);
    const auto info = certplan::read_certificates(data, path, 10).front();
    REQUIRE(info.key_type == type);
    REQUIRE(info.key_bits == static_cast<std::size_t>(bits));
    // The chain reader gives the same fields from its own parse.
    const certplan::ChainValidator chains(path);
    const auto read = chains.read(data, path, 0, 10);
    REQUIRE(read.certificates.front().key_type == type);
    REQUIRE(read.certificates.front().key_bits == static_cast<std::size_t>(bits));
  }
}
