// R20: names and keys a public CA refuses; what New-ExchangeCertificate accepts.
#include "rules/rule.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace certplan::rules {

extern const RuleDef r20;

// BR 7.1.2.7.12: no Reserved IP Address (IANA's IPv4 and IPv6 special-purpose registries).
bool is_reserved_ip(std::string_view text) {
  const std::string s(text);
  unsigned char b[16];
  if (inet_pton(AF_INET, s.c_str(), b) == 1) {
    const auto in = [&](unsigned a, unsigned bb, unsigned c, unsigned d, int bits) {
      const std::uint32_t ip = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
      const std::uint32_t net = (a << 24) | (bb << 16) | (c << 8) | d;
      const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
      return (ip & mask) == (net & mask);
    };
    return in(0, 0, 0, 0, 8) || in(10, 0, 0, 0, 8) || in(100, 64, 0, 0, 10) || in(127, 0, 0, 0, 8) ||
           in(169, 254, 0, 0, 16) || in(172, 16, 0, 0, 12) || in(192, 0, 0, 0, 24) || in(192, 0, 2, 0, 24) ||
           in(192, 88, 99, 0, 24) || in(192, 168, 0, 0, 16) || in(198, 18, 0, 0, 15) || in(198, 51, 100, 0, 24) ||
           in(203, 0, 113, 0, 24) || in(224, 0, 0, 0, 4) || in(240, 0, 0, 0, 4);
  }
  if (inet_pton(AF_INET6, s.c_str(), b) == 1) {
    const auto in = [&](std::array<unsigned char, 16> net, int bits) {
      for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        const unsigned char mask = bits >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - bits));
        if ((b[i] & mask) != (net[static_cast<std::size_t>(i)] & mask)) {
          return false;
        }
      }
      return true;
    };
    return in({}, 127) /* :: and ::1 */ || in({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96) ||
           in({0x01, 0x00}, 64) || in({0x20, 0x01, 0x00, 0x00}, 23) || in({0x20, 0x01, 0x0d, 0xb8}, 32) ||
           in({0xfc}, 7) || in({0xfe, 0x80}, 10) || in({0xff}, 8);
  }
  return false;
}

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  if (trust_of(m) != Trust::public_ca) {
    return;
  }
  for (const auto& ip : m.certificate.leaf.ip_sans) {
    if (is_reserved_ip(ip)) {
      add(v, r20, Severity::failure, fmt::format("reserved IP address {} in the SANs (CA/B BR 7.1.2.7.12)", ip));
    }
  }
}

void on_request(const RequestFacts& r, Verdicts& v) {
  const auto& kt = r.request.key_type;
  const auto& sig = r.request.signature;
  // BR 7.1.3.2: P-256 with SHA-256, P-384 with SHA-384, P-521 with SHA-512.
  const char* want = kt == "ecdsa:p256" ? "256" : kt == "ecdsa:p384" ? "384" : kt == "ecdsa:p521" ? "512" : nullptr;
  if (want != nullptr && r.authority == Authority::public_ && sig.find(want) == std::string::npos) {
    add(v, r20, Severity::warning,
        fmt::format("{} key signed with {}: CA/B BR 7.1.3.2 pairs it with SHA-{}", kt, sig, want));
  }
}

void on_planned(const PlannedFacts& p, Verdicts& v) {
  const auto& key = p.topology.certificates.key;
  if (key.algorithm == "rsa" && key.param != "1024" && key.param != "2048" && key.param != "4096") {
    add(v, r20, Severity::warning,
        fmt::format("certificate {}: New-ExchangeCertificate -KeySize takes 1024, 2048 or 4096, not {}: make the key "
                    "and request with certplan csr and import the issued certificate with its key",
                    p.certificate.id, key.param));
  }
}

} // namespace

extern const RuleDef r20{
    .info = {.id = "R20",
             .title = "Names and keys a public CA refuses",
             .text = "No internal names (R6) and no reserved IP addresses in the SANs; ECDSA P-256 with SHA-256, "
                     "P-384 with SHA-384, P-521 with SHA-512; New-ExchangeCertificate's -KeySize takes 1024, 2048 "
                     "or 4096 only, so another RSA size needs a key made off the server (certplan csr).",
             .sources = {"CA/B Forum BR 7.1.2.7.12 (reserved IP addresses)", "CA/B Forum BR 7.1.3.2",
                         "Microsoft, New-ExchangeCertificate -KeySize"},
             .effective = {},
             .applies_to = {RuleTarget::planned_certificate, RuleTarget::request, RuleTarget::issued_certificate,
                            RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
    .on_request = on_request,
    .on_planned = on_planned,
    .same_for_certificate = true,
};

} // namespace certplan::rules
