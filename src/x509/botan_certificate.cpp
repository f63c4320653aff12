// Reading certificates (Botan 2.19): PEM bundles, `openssl s_client -showcerts` output, DER.
#include <certplan/error.hpp>
#include <certplan/x509.hpp>

#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace certplan {
namespace {

std::string rfc3339(const Botan::X509_Time& t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t.to_std_timepoint());
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

CertificateInfo info_of(const Botan::X509_Certificate& c) {
  CertificateInfo i;
  const auto cns = c.subject_info("X520.CommonName");
  i.subject_cn = cns.empty() ? "" : cns.front();
  // The SAN as encoded (Botan 3 would hand dNSNames back sorted).
  const Botan::OID san({2, 5, 29, 17});
  if (c.v3_extensions().extension_set(san)) {
    Botan::BER_Decoder seq = Botan::BER_Decoder(c.v3_extensions().get_extension_bits(san)).start_cons(Botan::SEQUENCE);
    while (seq.more_items()) {
      const auto o = seq.get_next_object();
      if (o.is_a(2, Botan::CONTEXT_SPECIFIC)) {
        i.dns_sans.emplace_back(reinterpret_cast<const char*>(o.bits()), o.length());
      } else if (o.is_a(7, Botan::CONTEXT_SPECIFIC) && (o.length() == 4 || o.length() == 16)) {
        char buf[64] = {};
        const auto* b = o.bits();
        if (o.length() == 4) {
          std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        } else {
          std::string s;
          for (std::size_t k = 0; k < 16; k += 2) {
            s += fmt::format("{}{:x}", k == 0 ? "" : ":", (b[k] << 8) | b[k + 1]);
          }
          std::snprintf(buf, sizeof buf, "%s", s.c_str());
        }
        i.ip_sans.emplace_back(buf);
      }
    }
  }
  const auto issuer_cn = c.issuer_info("X520.CommonName");
  i.issuer = issuer_cn.empty() ? c.issuer_dn().to_string() : issuer_cn.front();
  i.not_before = rfc3339(c.not_before());
  i.not_after = rfc3339(c.not_after());
  i.sha256_fingerprint = c.fingerprint("SHA-256");
  i.self_signed = c.is_self_signed();
  return i;
}

} // namespace

std::vector<CertificateInfo> read_certificates(std::string_view data, const std::string& source) {
  std::vector<CertificateInfo> out;
  try {
    Botan::DataSource_Memory src(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    while (!src.end_of_data()) {
      try {
        out.push_back(info_of(Botan::X509_Certificate(src)));
      } catch (const Botan::Decoding_Error&) {
        if (out.empty()) {
          throw;
        }
        break; // trailing text after the last block
      }
    }
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, fmt::format("{}: no readable certificate: {}", source, e.what()));
  }
  if (out.empty()) {
    throw Error(ErrorKind::input, fmt::format("{}: no certificate found", source));
  }
  return out;
}

} // namespace certplan
