// Certificates read for an expiry report: the fast DER walk (der_fields.hpp) for the fields,
// Botan for base64, SHA-256 and, for whatever the walk declines, the full parse.
#include <certplan/error.hpp>
#include <certplan/x509.hpp>

#include "util/pem.hpp"
#include "x509/certificate_info.hpp"
#include "x509/der_fields.hpp"

#include <botan/base64.h>
#include <botan/hash.h>
#include <botan/x509cert.h>

#include <fmt/format.h>

#include <utility>


namespace certplan {
namespace {

constexpr std::string_view k_begin = util::k_pem_cert_begin;
constexpr std::string_view k_end = util::k_pem_cert_end;

std::string fingerprint(const std::uint8_t* der, std::size_t n) {
  // One hash object per thread: the scan decodes on every core.
  thread_local const std::unique_ptr<Botan::HashFunction> sha256 = Botan::HashFunction::create_or_throw("SHA-256");
  std::uint8_t digest[32];
  sha256->update(der, n);
  sha256->final(digest);
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(95);
  for (std::size_t i = 0; i < 32; ++i) {
    if (i != 0) {
      out += ':';
    }
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0xF];
  }
  return out;
}

} // namespace

namespace {

// What the DER walk read, as certplan's type; self_signed as the names say (subject ==
// issuer), which only the full parse or a caller that accepts that may keep. The strings are
// moved, not copied: copying the SAN lists was 5 % of expiry's instructions (issue 18).
CertificateInfo info_of_fields(x509::DerFields&& f, const std::uint8_t* der, std::size_t n) {
  CertificateInfo i;
  i.subject_cn = std::move(f.subject_cn);
  i.dns_sans = std::move(f.dns);
  i.ip_sans = std::move(f.ip);
  i.issuer = std::move(f.issuer_cn);
  i.not_before_unix = f.not_before;
  i.not_after_unix = f.not_after;
  i.not_before = format_rfc3339(f.not_before);
  i.not_after = format_rfc3339(f.not_after);
  i.serial = std::move(f.serial_hex);
  i.self_signed = f.same_subject_and_issuer;
  i.is_ca = f.is_ca;
  i.sha256_fingerprint = fingerprint(der, n);
  return i;
}

CertificateInfo summarize_der(const std::uint8_t* der, std::size_t n, SanLists sans) {
  auto f = x509::read_der_fields({der, n}, sans);
  // Self-issued certificates take the full parse: Botan calls one self-signed only if its
  // signature verifies under its own key, which the walk does not check. They are few.
  if (f && !f->same_subject_and_issuer) {
    CertificateInfo i = info_of_fields(std::move(*f), der, n);
    i.self_signed = false;
    return i;
  }
  if (n == 0 || der[0] != 0x30) {
    // Botan would go on to look for PEM in it, and say so; the plain reason is clearer.
    throw Error(ErrorKind::input, "not a DER certificate (no SEQUENCE at its start)");
  }
  try {
    CertificateInfo i = info_of_der(der, n);
    if (sans == SanLists::skip) {
      i.dns_sans.clear(); // as the walk leaves them
      i.ip_sans.clear();
    }
    return i;
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, e.what());
  }
}

} // namespace

CertificateInfo read_certificate_summary(std::string_view block, SanLists sans) {
  if (block.substr(0, k_begin.size()) != k_begin) {
    return summarize_der(reinterpret_cast<const std::uint8_t*>(block.data()), block.size(), sans);
  }
  const auto end = block.rfind(k_end);
  if (end == std::string_view::npos || end < k_begin.size()) {
    throw Error(ErrorKind::input, "no END CERTIFICATE line");
  }
  const std::string_view body = block.substr(k_begin.size(), end - k_begin.size());
  thread_local std::vector<std::uint8_t> der;
  if (x509::decode_base64(body, der)) {
    return summarize_der(der.data(), der.size(), sans);
  }
  der.resize(Botan::base64_decode_max_output(body.size()));
  std::size_t n = 0;
  try {
    n = Botan::base64_decode(der.data(), body.data(), body.size(), true);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, fmt::format("bad base64: {}", e.what()));
  }
  return summarize_der(der.data(), n, sans);
}

std::string sha1_thumbprint(std::string_view der) {
  const auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
  sha1->update(reinterpret_cast<const std::uint8_t*>(der.data()), der.size());
  const auto digest = sha1->final();
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto b : digest) {
    out += k_hex[b >> 4];
    out += k_hex[b & 0xF];
  }
  return out;
}

std::optional<CertificateInfo> read_certificate_lenient(std::string_view der) {
  auto f = x509::read_der_fields({reinterpret_cast<const std::uint8_t*>(der.data()), der.size()});
  if (!f) {
    return std::nullopt;
  }
  CertificateInfo i = info_of_fields(std::move(*f), reinterpret_cast<const std::uint8_t*>(der.data()), der.size());
  const std::string hex = sha1_thumbprint(der);
  for (std::size_t k = 0; k < hex.size(); k += 2) {
    i.sha1_fingerprint += (k == 0 ? "" : ":") + hex.substr(k, 2);
  }
  return i;
}

} // namespace certplan
