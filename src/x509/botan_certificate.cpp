// Reading certificates (Botan 3.7): PEM bundles, `openssl s_client -showcerts` output, DER.
#include <certplan/error.hpp>
#include <certplan/x509.hpp>

#include "util/pem.hpp"
#include "x509/certificate_info.hpp"
#include "x509/der_fields.hpp"
#include "x509/san_reader.hpp"

#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/data_src.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>
#include <botan/certstor.h>
#include <botan/certstor_flatfile.h>
#include <botan/certstor_system.h>
#include <botan/ecc_key.h>
#include <botan/pkcs8.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <map>
#include <mutex>

namespace certplan {
namespace {

// Unix time of an X.509 time from its fields: Botan's to_std_timepoint() refuses years before
// 1970 (3.7.1, src/lib/utils/calendar.cpp), and RFC 5280 4.1.2.5 gives 99991231235959Z to
// certificates with no expiry, so that path is not used.
long long unix_of(const Botan::X509_Time& t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  const std::string text = t.readable_string(); // "YYYY/MM/DD HH:MM:SS UTC"
  if (std::sscanf(text.c_str(), "%d/%d/%d %d:%d:%d", &y, &mo, &d, &h, &mi, &sec) != 6) {
    throw Error(ErrorKind::input, "unreadable certificate time \"" + text + "\"");
  }
  return x509::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + sec;
}

// The key's type and size. An RSA key's size is its modulus's (RSA_PublicKey::key_length),
// read from the RSAPublicKey SEQUENCE (RFC 8017 A.1.1) without building the key: building it
// precomputes what verifying needs (a Montgomery reduction of n), a third of reading a file
// in audit (issue 18). A key Botan would refuse (RSA_PublicKey::init's checks, 3.7.1), or
// any other kind of key, is built by Botan as before, so its errors stay Botan's.
void key_of(const Botan::X509_Certificate& c, CertificateInfo& i) {
  if (c.subject_public_key_algo().oid() == Botan::OID::from_string("RSA")) {
    try {
      Botan::BigInt n, e;
      Botan::BER_Decoder(c.subject_public_key_bitstring()).start_sequence().decode(n).decode(e).end_cons();
      if (!(n.is_negative() || n.is_even() || n.bits() < 5 || e.is_negative() || e.is_even())) {
        i.key_bits = n.bits();
        i.key_type = fmt::format("rsa:{}", i.key_bits);
        return;
      }
    } catch (const std::exception&) {
      // Botan's own reading below says what is wrong.
    }
  }
  const std::unique_ptr<Botan::Public_Key> key(c.subject_public_key());
  i.key_bits = key->key_length();
  if (key->algo_name() == "ECDSA") {
    const std::string curve =
        dynamic_cast<const Botan::EC_PublicKey&>(*key).domain().get_curve_oid().to_formatted_string();
    i.key_type = curve == "secp256r1"   ? "ecdsa:p256"
                 : curve == "secp384r1" ? "ecdsa:p384"
                 : curve == "secp521r1" ? "ecdsa:p521"
                                        : "ecdsa:" + curve;
  } else {
    i.key_type = key->algo_name();
  }
}

} // namespace

CertificateInfo info_of(const Botan::X509_Certificate& c) {
  CertificateInfo i;
  const auto cns = c.subject_info("X520.CommonName");
  i.subject_cn = cns.empty() ? "" : cns.front();
  auto san = x509::read_san(c.v3_extensions());
  i.dns_sans = std::move(san.dns);
  i.ip_sans = std::move(san.ip);
  const auto issuer_cn = c.issuer_info("X520.CommonName");
  i.issuer = issuer_cn.empty() ? c.issuer_dn().to_string() : issuer_cn.front();
  i.not_before_unix = unix_of(c.not_before());
  i.not_after_unix = unix_of(c.not_after());
  i.not_before = format_rfc3339(i.not_before_unix);
  i.not_after = format_rfc3339(i.not_after_unix);
  i.sha256_fingerprint = c.fingerprint("SHA-256");
  // Windows' thumbprint (Get-ExchangeCertificate, IIS certificateHash, Get-AuthConfig).
  i.sha1_fingerprint = c.fingerprint("SHA-1");
  for (const auto b : c.serial_number()) {
    i.serial += fmt::format("{:02X}", b);
  }
  i.self_signed = c.is_self_signed();
  key_of(c, i);
  // Botan 3 names signature OIDs "RSA/PKCS1v15(SHA-256)", "ECDSA/SHA-1" (was "RSA/EMSA3(...)",
  // "ECDSA/EMSA1(...)" in Botan 2; doc/migration_guide.rst, "Signature Algorithm OIDs"): the
  // hash named in it.
  const std::string sig = c.signature_algorithm().oid().to_formatted_string();
  for (const char* h : {"SHA-512", "SHA-384", "SHA-256", "SHA-224", "SHA-1", "MD5"}) {
    if (sig.find(h) != std::string::npos) {
      i.signature_hash = h;
      break;
    }
  }
  if (i.signature_hash.empty()) {
    i.signature_hash = sig;
  }
  const auto& eku = c.extended_key_usage();
  i.eku_present = !eku.empty();
  i.server_auth = std::any_of(eku.begin(), eku.end(), [](const Botan::OID& o) { return o == Botan::OID({1, 3, 6, 1, 5, 5, 7, 3, 1}); });
  i.is_ca = c.is_CA_cert();
  return i;
}

CertificateInfo info_of_der(const std::uint8_t* der, std::size_t n) {
  return info_of(Botan::X509_Certificate(der, n));
}

namespace {

// The CERTIFICATE blocks of a bundle in order (other PEM blocks and text skipped), or one DER.
std::vector<Botan::X509_Certificate> parse_all(std::string_view data) {
  std::vector<Botan::X509_Certificate> out;
  for (const std::string_view block : util::pem_certificate_blocks(data)) {
    Botan::DataSource_Memory src(reinterpret_cast<const uint8_t*>(block.data()), block.size());
    out.emplace_back(src);
  }
  if (out.empty()) {
    out.emplace_back(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }
  return out;
}

} // namespace

namespace {

// Each certificate of a bundle parsed by Botan once and handed to `each` (which may throw: its
// error is that block's). Only CERTIFICATE blocks, each parsed on its own: a bundle with the
// key, a CSR or text between its certificates is common, and Botan's PEM reader stops at any
// other label. No block at all: the data is one DER certificate.
template <class Each>
void each_certificate(std::string_view data, const std::string& source, std::size_t max_certificates, Each each) {
  const std::vector<std::string_view> blocks = util::pem_certificate_blocks(data);
  if (blocks.size() > max_certificates) {
    throw Error(ErrorKind::input,
                fmt::format("{}: {} certificates, more than the limit of {}", source, blocks.size(), max_certificates),
                std::nullopt, Limit::certificates);
  }
  if (blocks.empty()) {
    try {
      each(Botan::X509_Certificate(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
    } catch (const std::exception& e) {
      throw Error(ErrorKind::input, fmt::format("{}: not a DER or PEM certificate: {}", source, e.what()));
    }
    return;
  }
  std::size_t done = 0;
  for (const auto block : blocks) {
    try {
      Botan::DataSource_Memory src(reinterpret_cast<const uint8_t*>(block.data()), block.size());
      each(Botan::X509_Certificate(src));
      ++done;
    } catch (const std::exception& e) {
      throw Error(ErrorKind::input, fmt::format("{}: PEM block {} of {}: {}", source, done + 1, blocks.size(), e.what()));
    }
  }
}

} // namespace

std::vector<CertificateInfo> read_certificates(std::string_view data, const std::string& source,
                                               std::size_t max_certificates) {
  std::vector<CertificateInfo> out;
  each_certificate(data, source, max_certificates, [&](const Botan::X509_Certificate& c) { out.push_back(info_of(c)); });
  return out;
}

} // namespace certplan

namespace certplan {

struct ChainValidator::Impl {
  std::unique_ptr<Botan::Certificate_Store> store;
  // Certificates of --trust that are no self-signed CA: Botan's flat-file store drops them
  // silently; certplan offers them for path building, never as anchors, and says so.
  std::vector<Botan::X509_Certificate> intermediates;
  std::vector<std::string> notes;
  // Verdicts already given in this run, keyed by the time asked and the SHA-256 of every
  // certificate of the bundle: Botan's verdict depends on nothing else (the store, the
  // restrictions and the usage are this validator's), so a bundle met again (the same file in
  // several [[installed]] entries, --replacing's second pass over the files) is not validated
  // again. Any other bundle, even one differing only in its signature, is validated afresh.
  std::mutex memo_mutex;
  std::map<std::string, ChainCheck> memo;

  ChainCheck validate(std::vector<Botan::X509_Certificate> chain, long long at_unix);
};

ChainValidator::ChainValidator(const std::string& trust_file) : m_impl(std::make_unique<Impl>()) {
  try {
    if (trust_file.empty()) {
      m_impl->store = std::make_unique<Botan::System_Certificate_Store>();
    } else {
      std::FILE* f = std::fopen(trust_file.c_str(), "rb");
      if (f == nullptr) {
        throw std::runtime_error("cannot open it");
      }
      std::string data;
      char buf[65536];
      for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) {
        data.append(buf, n);
      }
      std::fclose(f);
      auto store = std::make_unique<Botan::Certificate_Store_In_Memory>();
      std::size_t roots = 0;
      for (auto& c : parse_all(data)) {
        if (c.is_self_signed() && c.is_CA_cert()) {
          store->add_certificate(c);
          ++roots;
        } else {
          m_impl->intermediates.push_back(std::move(c));
        }
      }
      if (!m_impl->intermediates.empty()) {
        m_impl->notes.push_back(fmt::format(
            "{}: {} of its certificates {} not a self-signed root; used as intermediates to build chains, not as "
            "trust anchors (the server should send them)",
            trust_file, m_impl->intermediates.size(), m_impl->intermediates.size() == 1 ? "is" : "are"));
      }
      if (roots == 0) {
        m_impl->notes.push_back(fmt::format("{}: no self-signed root in it: no chain can be trusted", trust_file));
      }
      m_impl->store = std::move(store);
    }
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, fmt::format("{}: cannot load the trust store: {}",
                                              trust_file.empty() ? "system store" : trust_file, e.what()));
  }
}

ChainValidator::~ChainValidator() = default;

const std::vector<std::string>& ChainValidator::notes() const { return m_impl->notes; }

ChainCheck ChainValidator::Impl::validate(std::vector<Botan::X509_Certificate> chain, long long at_unix) {
  std::string key = std::to_string(at_unix);
  for (const auto& c : chain) {
    key += ' ' + c.fingerprint("SHA-256"); // precomputed by Botan's parse (x509cert.cpp)
  }
  {
    const std::lock_guard lock(memo_mutex);
    if (const auto it = memo.find(key); it != memo.end()) {
      return it->second;
    }
  }
  chain.insert(chain.end(), intermediates.begin(), intermediates.end());
  // Minimum strength 110 bits: RSA 2048 passes, 1024 does not; SHA-1 is not trusted (R10).
  const Botan::Path_Validation_Restrictions restrictions(false, 110);
  const auto result = Botan::x509_path_validate(chain, restrictions, *store, "", Botan::Usage_Type::UNSPECIFIED,
                                                std::chrono::system_clock::from_time_t(static_cast<std::time_t>(at_unix)));
  ChainCheck out{result.successful_validation(), result.result_string(), false, {}, {}};
  if (!out.trusted) {
    // Codes below FIRST_ERROR_STATUS are warnings (pkix_enums.h, Botan 3.7.1).
    bool any = false;
    bool dates = true;
    for (const auto& statuses : result.all_statuses()) {
      for (const auto code : statuses) {
        if (code >= Botan::Certificate_Status_Code::FIRST_ERROR_STATUS) {
          any = true;
          dates = dates && (code == Botan::Certificate_Status_Code::CERT_NOT_YET_VALID ||
                            code == Botan::Certificate_Status_Code::CERT_HAS_EXPIRED);
        }
      }
    }
    out.dates_only = any && dates;
  }
  if (out.trusted) {
    const auto& path = result.cert_path(); // Botan 3: certificates, not shared_ptrs
    for (std::size_t i = 1; i < path.size(); ++i) { // the CAs above the leaf
      auto nc = x509::read_dns_name_constraints(path[i].v3_extensions());
      std::move(nc.permitted.begin(), nc.permitted.end(), std::back_inserter(out.permitted_dns));
      std::move(nc.excluded.begin(), nc.excluded.end(), std::back_inserter(out.excluded_dns));
    }
  }
  const std::lock_guard lock(memo_mutex);
  memo.emplace(std::move(key), out);
  return out;
}

ChainCheck ChainValidator::check(std::string_view bundle, const std::string& source, long long at_unix) const {
  try {
    return m_impl->validate(parse_all(bundle), at_unix);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, fmt::format("{}: {}", source, e.what()));
  }
}

ReadBundle ChainValidator::read(std::string_view bundle, const std::string& source, long long at_unix,
                                std::size_t max_certificates) const {
  ReadBundle out;
  std::vector<Botan::X509_Certificate> parsed;
  each_certificate(bundle, source, max_certificates, [&](Botan::X509_Certificate&& c) {
    out.certificates.push_back(info_of(c));
    parsed.push_back(std::move(c));
  });
  try {
    out.chain = m_impl->validate(std::move(parsed), at_unix);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, fmt::format("{}: {}", source, e.what()));
  }
  return out;
}

bool key_matches(std::string_view key_pem, std::string_view bundle, const std::optional<std::string>& passphrase) {
  try {
    Botan::DataSource_Memory src(reinterpret_cast<const uint8_t*>(key_pem.data()), key_pem.size());
    const std::unique_ptr<Botan::Private_Key> key =
        passphrase ? Botan::PKCS8::load_key(src, *passphrase) : Botan::PKCS8::load_key(src);
    const auto chain = parse_all(bundle);
    const std::unique_ptr<Botan::Public_Key> pub(chain.front().subject_public_key());
    return key->public_key_bits() == pub->public_key_bits();
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, fmt::format("the private key cannot be read: {}", e.what()));
  }
}

} // namespace certplan
