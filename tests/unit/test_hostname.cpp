// Host-name normalisation (topology.md): lower case, trailing dot, IDN to A-label, limits.
#include "support.hpp"

#include <certplan/hostname.hpp>

#include "hostname/normalize_general.hpp"

#include <random>

using certplan::normalize_host;

namespace {
std::string norm(std::string_view s) {
  std::string why;
  const auto h = normalize_host(s, why);
  return h ? h->ascii : "ERR: " + why;
}
} // namespace

TEST_CASE("names are lower-cased and lose one trailing dot", "[hostname]") {
  REQUIRE(norm("MAIL.Contoso.COM.") == "mail.contoso.com");
  REQUIRE(norm("mail.contoso.com..").starts_with("ERR: empty label"));
}

TEST_CASE("IDNs become A-labels and keep their display form", "[hostname]") {
  std::string why;
  const auto h = normalize_host("mail.bücher.example", why);
  REQUIRE(h);
  REQUIRE(h->ascii == "mail.xn--bcher-kva.example");
  REQUIRE(h->display == "mail.bücher.example");
  REQUIRE(norm("MAIL.BÜCHER.example") == "mail.xn--bcher-kva.example");
}

TEST_CASE("limits of topology.md are enforced", "[hostname]") {
  REQUIRE(norm(std::string(63, 'a') + ".com") == std::string(63, 'a') + ".com");
  REQUIRE(norm(std::string(64, 'a') + ".com") == "ERR: label longer than 63 octets");
  std::string long_name;
  for (int i = 0; i < 51; ++i) {
    long_name += "abcd.";
  }
  long_name += "com"; // 258 octets
  REQUIRE(norm(long_name) == "ERR: name longer than 253 octets");
  REQUIRE(norm("192.0.2.1") == "ERR: an IP address is not a host name");
  REQUIRE(norm("2001:db8::1") == "ERR: an IP address is not a host name");
  REQUIRE(norm("") == "ERR: empty host name");
  REQUIRE(norm("-mail.contoso.com").starts_with("ERR: a label cannot start"));
  REQUIRE(norm("*.contoso.com").starts_with("ERR: wildcards"));
  REQUIRE(norm("mail_1.contoso.com").starts_with("ERR: character '_'"));
}

TEST_CASE("internal names are those no public CA may certify (R6)", "[hostname]") {
  REQUIRE(certplan::is_internal_name("server01"));
  REQUIRE(certplan::is_internal_name("cas01.contoso.local"));
  REQUIRE(certplan::is_internal_name("ex.corp"));
  REQUIRE(certplan::is_internal_name("nas.home.arpa"));
  REQUIRE_FALSE(certplan::is_internal_name("mail.contoso.com"));
  REQUIRE_FALSE(certplan::is_internal_name("mail.contoso.ad")); // Andorra is a real ccTLD
}

TEST_CASE("zones and label counts", "[hostname]") {
  REQUIRE(certplan::parent_zone("mail.usa.contoso.com") == "usa.contoso.com");
  REQUIRE(certplan::parent_zone("com").empty());
  REQUIRE(certplan::label_count("mail.contoso.com") == 3);
}

TEST_CASE("what the hostname fuzzer found: NUL before libidn2, IP addresses after UTS #46", "[hostname]") {
  using namespace std::string_literals;
  // libidn2 reads a C string: without the check the part after the NUL was dropped.
  CHECK(norm("mail.contoso.com\0.\xc3\xa9vil.com"s).starts_with("ERR: a control character"));
  CHECK(norm("mail.contoso.com\0.evil.com"s).starts_with("ERR: a control character"));
  CHECK(norm("mail.contoso.com\t"s).starts_with("ERR: a control character"));
  // Full-width digits and ideographic full stop map to "192.0.2.1".
  CHECK(norm("\xef\xbc\x91\xef\xbc\x99\xef\xbc\x92\xe3\x80\x82\xef\xbc\x90.\xef\xbc\x92.\xef\xbc\x91") ==
        "ERR: an IP address is not a host name");
  // Whatever is accepted is accepted again unchanged.
  for (const auto* s : {"MAIL.BÜCHER.example", "Mail.Contoso.COM.", "\xef\xbd\x8d\xef\xbd\x81\xef\xbd\x89\xef\xbd\x8c.contoso.com"}) {
    const auto once = norm(s);
    REQUIRE_FALSE(once.starts_with("ERR"));
    CHECK(norm(once) == once);
  }
}

TEST_CASE("normalize_host's one-pass path gives what its general path gives", "[hostname]") {
  // Issue 18: names already in normal form skip the general path; over random names near its
  // edges (63-octet labels, 253-octet names, '-' at label ends, dotted quads, upper case,
  // trailing dots) both give the same name or both refuse.
  std::mt19937 rng(18);
  const std::string alphabet = "ab-.0919zZ.-_*";
  std::size_t normal = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string s;
    const std::size_t len = rng() % 3 == 0 ? 50 + rng() % 220 : rng() % 12;
    for (std::size_t i = 0; i < len; ++i) {
      // Long runs of one letter reach the 63-octet label limit.
      s += rng() % 8 == 0 ? std::string(1, alphabet[rng() % alphabet.size()]) : std::string(1, 'a' + rng() % 2);
      if (rng() % 70 == 0) {
        s += '.';
      }
    }
    std::string why_fast, why_general;
    const auto fast = certplan::normalize_host(s, why_fast);
    const auto general = certplan::detail::normalize_host_general(s, why_general);
    INFO("name \"" << s << "\"");
    REQUIRE(fast.has_value() == general.has_value());
    if (fast) {
      REQUIRE(fast->ascii == general->ascii);
      REQUIRE(fast->display == general->display);
      normal += fast->ascii == s ? 1 : 0;
    } else {
      REQUIRE(why_fast == why_general);
    }
  }
  CHECK(normal > 10000);
}
