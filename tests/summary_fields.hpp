// What an expiry summary (the DER walk) and Botan's full parse must agree on, field by field:
// one list for the unit tests of the agreement corpus and for the certificate fuzz target.
#pragma once

#include <certplan/x509.hpp>

namespace test {

// The name of the first field in which `fast` and `full` differ, or nullptr.
inline const char* first_difference(const certplan::CertificateInfo& fast, const certplan::CertificateInfo& full) {
  if (fast.subject_cn != full.subject_cn) return "subject CN";
  if (fast.dns_sans != full.dns_sans) return "DNS SANs";
  if (fast.ip_sans != full.ip_sans) return "IP SANs";
  if (fast.issuer != full.issuer) return "issuer";
  if (fast.not_before != full.not_before || fast.not_before_unix != full.not_before_unix) return "notBefore";
  if (fast.not_after != full.not_after || fast.not_after_unix != full.not_after_unix) return "notAfter";
  if (fast.serial != full.serial) return "serial";
  if (fast.sha256_fingerprint != full.sha256_fingerprint) return "SHA-256 fingerprint";
  if (fast.self_signed != full.self_signed) return "self-signed";
  if (fast.is_ca != full.is_ca) return "CA (basicConstraints)";
  return nullptr;
}

} // namespace test
