// R10: keys and signatures, and whether each client can use them.
#include "rules/rule.hpp"

#include <fmt/format.h>

namespace certplan::rules {

extern const RuleDef r10;

namespace {

bool weak_rsa(std::string_view key_type, std::size_t bits) {
  return key_type.starts_with("rsa:") && (bits < 2048 || bits % 8 != 0);
}

bool weak_hash(std::string_view hash) { return hash == "SHA-1" || hash == "MD5"; }

void at_endpoint(const Meeting& m, Verdicts& v) {
  const auto& leaf = m.certificate.leaf;
  const auto& client = m.client;
  if (weak_rsa(leaf.key_type, leaf.key_bits)) {
    add(v, r10, Severity::failure, fmt::format("RSA key of {} bits (at least 2048, a multiple of 8)", leaf.key_bits));
  }
  if (leaf.key_type.starts_with("ecdsa:") && leaf.key_type != "ecdsa:p256" && leaf.key_type != "ecdsa:p384" &&
      leaf.key_type != "ecdsa:p521") {
    add(v, r10, Severity::failure, fmt::format("ECDSA curve {} (P-256, P-384 or P-521 only)", leaf.key_type.substr(6)));
  }
  // Exchange's own self-signed certificates are SHA-1 by default: judged on client-facing
  // bindings only, which is where this check runs (domain.md R10).
  if (weak_hash(leaf.signature_hash)) {
    add(v, r10, Severity::failure, fmt::format("signed with {} (SHA-256 or stronger required)", leaf.signature_hash));
  } else if (client.sha256 != Tri::yes) {
    add(v, r10, client.sha256 == Tri::no ? Severity::failure : Severity::warning,
        fmt::format("{} support for {} signatures is {}", client.id, leaf.signature_hash,
                    client.sha256 == Tri::no ? "missing" : "UNVERIFIED"));
  }
  if (leaf.key_type.starts_with("ecdsa:")) {
    if (client.ecdsa != Tri::yes) {
      add(v, r10, client.ecdsa == Tri::no ? Severity::failure : Severity::warning,
          fmt::format("{} ECDSA support is {}", client.id, client.ecdsa == Tri::no ? "missing" : "UNVERIFIED"));
    }
    if (m.exchange < ExchangeVersion::v2016) {
      add(v, r10, Severity::failure,
          fmt::format("Exchange {} cannot serve an ECDSA certificate; use an RSA key", to_string(m.exchange)));
    }
  }
}

void on_request(const RequestFacts& r, Verdicts& v) {
  const auto& q = r.request;
  const auto bits = q.key_type.starts_with("rsa:") ? std::strtoul(q.key_type.c_str() + 4, nullptr, 10) : 0UL;
  if (weak_rsa(q.key_type, bits)) {
    add(v, r10, Severity::failure, fmt::format("RSA key of {} bits (at least 2048, a multiple of 8)", bits));
  }
  if (q.signature.find("sha1") != std::string::npos || q.signature.find("SHA-1") != std::string::npos ||
      q.signature.find("md5") != std::string::npos) {
    add(v, r10, Severity::failure, fmt::format("signed with {} (SHA-256 or stronger required)", q.signature));
  }
  if (q.key_type.starts_with("ecdsa:") && r.exchange < ExchangeVersion::v2016) {
    add(v, r10, Severity::failure,
        fmt::format("Exchange {} cannot use an ECDSA certificate; use an RSA key", to_string(r.exchange)));
  }
}

} // namespace

namespace {

void on_topology(const TopologyFacts& t, Verdicts& v) {
  const auto& topo = t.topology;
  if (topo.certificates.key.algorithm != "ecdsa") {
    return;
  }
  if (topo.organization.exchange < ExchangeVersion::v2016) {
    add(v, r10, Severity::failure,
        fmt::format("Exchange {} cannot use ECDSA certificates; use an RSA key (rsa:2048 or larger)",
                    to_string(topo.organization.exchange)));
  } else {
    add(v, r10, Severity::warning,
        "ECDSA certificates need the April 2024 hotfix update and, from the November 2024 security update, "
        "EnableEccCertificateSupport = 1; never for the Auth or federation certificate, which stay RSA");
  }
}

} // namespace

extern const RuleDef r10{
    .info = {.id = "R10",
             .title = "Keys and signatures",
             .text = "RSA keys of at least 2048 bits and a multiple of 8, ECDSA on P-256, P-384 or P-521, "
                     "signatures with SHA-256 or stronger; SHA-1 fails a client-facing certificate (Exchange's own "
                     "self-signed and Auth certificates are SHA-1 by default, so only client-facing bindings are "
                     "judged). Each client must support the signature hash and, for ECDSA, the key; Exchange serves "
                     "ECDSA from 2016 with EnableEccCertificateSupport (November 2024 SU and later).",
             .sources = {"CA/B Forum BR 6.1.5 (keys), 7.1.3.2 (signatures)", "ballot 118 (no SHA-1 from 2016-01-01)",
                         "ballot SC097 (SHA-1 retired 2026-09-15)",
                         "Microsoft, \"ECC certificates support in Exchange Server\" (HealthChecker)"},
             .effective = {{"2016-01-01", "no new SHA-1 subscriber certificates (ballot 118)"},
                           {"2026-09-15", "remaining SHA-1 retired (ballot SC097)"}},
             .applies_to = {RuleTarget::topology, RuleTarget::request, RuleTarget::issued_certificate,
                            RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
    .on_request = on_request,
    .on_topology = on_topology,
};

} // namespace certplan::rules
