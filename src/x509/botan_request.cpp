// The Botan adapter for keys and PKCS#10 requests (Botan 3.7, shared/deps.md section 8). Nothing Botan leaves this file: exceptions
// are rethrown as certplan::Error with the context.
#include <certplan/error.hpp>
#include <certplan/x509.hpp>

#include "x509/san_reader.hpp"

#include <botan/auto_rng.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/pk_algs.h>
#include <botan/pkcs10.h>
#include <botan/pkcs8.h>
#include <botan/pkix_types.h>
#include <botan/rsa.h>
#include <botan/x509_ext.h>

#include <fmt/format.h>

#include <memory>

namespace certplan {
namespace {

const Botan::OID k_san_oid({2, 5, 29, 17});

// R7 needs the SANs in plan order, but Botan 3.5+ keeps AlternativeName's dNSNames in a
// std::set (src/lib/x509/pkix_types.h: sorted), so the extension is encoded here:
// GeneralNames ::= SEQUENCE OF GeneralName; dNSName [2] IA5String (RFC 5280 §4.2.1.6).
class OrderedDnsSan final : public Botan::Certificate_Extension {
public:
  explicit OrderedDnsSan(std::vector<std::string> names) : m_names(std::move(names)) {}
  Botan::OID oid_of() const override { return k_san_oid; }
  // Empty on purpose: Botan 3 would otherwise try to cast it to its own SAN class.
  std::string oid_name() const override { return ""; }
  std::unique_ptr<Botan::Certificate_Extension> copy() const override { return std::make_unique<OrderedDnsSan>(m_names); }

private:
  bool should_encode() const override { return !m_names.empty(); }
  std::vector<uint8_t> encode_inner() const override {
    std::vector<uint8_t> out;
    Botan::DER_Encoder der(out);
    der.start_sequence();
    for (const auto& n : m_names) {
      der.add_object(Botan::ASN1_Type(2), Botan::ASN1_Class::ContextSpecific,
                     reinterpret_cast<const uint8_t*>(n.data()), n.size());
    }
    der.end_cons();
    return out;
  }
  void decode_inner(const std::vector<uint8_t>&) override {}

  std::vector<std::string> m_names;
};

std::unique_ptr<Botan::Private_Key> make_key(const KeySpec& k, Botan::RandomNumberGenerator& rng) {
  if (k.algorithm == "rsa" && (k.param == "2048" || k.param == "3072" || k.param == "4096")) {
    return Botan::create_private_key("RSA", rng, k.param);
  }
  if (k.algorithm == "ecdsa") {
    const std::string curve = k.param == "p256" ? "secp256r1" : k.param == "p384" ? "secp384r1" : k.param == "p521" ? "secp521r1" : "";
    if (!curve.empty()) {
      return Botan::create_private_key("ECDSA", rng, curve);
    }
  }
  throw Error(ErrorKind::input, fmt::format("unsupported key type \"{}\" (rsa:2048|3072|4096, ecdsa:p256|p384|p521)",
                                            k.to_string()));
}

std::string key_type_of(const Botan::Public_Key& key) {
  if (key.algo_name() == "RSA") {
    return fmt::format("rsa:{}", key.key_length());
  }
  if (key.algo_name() == "ECDSA") {
    const auto& ec = dynamic_cast<const Botan::EC_PublicKey&>(key);
    const std::string curve = ec.domain().get_curve_oid().to_formatted_string();
    return curve == "secp256r1" ? "ecdsa:p256" : curve == "secp384r1" ? "ecdsa:p384" : curve == "secp521r1" ? "ecdsa:p521" : "ecdsa:" + curve;
  }
  return key.algo_name();
}

} // namespace

GeneratedRequest generate_request(const CsrSpec& spec, const std::optional<std::string>& passphrase) {
  try {
    Botan::AutoSeeded_RNG rng;
    const auto key = make_key(spec.key, rng);
    // Subject in X.500 order, CN last: C, ST, L, O, OU, CN (what New-ExchangeCertificate and
    // openssl produce for the same input).
    Botan::X509_DN dn;
    const auto& s = spec.subject;
    for (const auto& [attr, value] : {std::pair{"X520.Country", &s.country}, std::pair{"X520.State", &s.state},
                                      std::pair{"X520.Locality", &s.locality},
                                      std::pair{"X520.Organization", &s.organization},
                                      std::pair{"X520.OrganizationalUnit", &s.unit}}) {
      if (!value->empty()) {
        dn.add_attribute(attr, *value);
      }
    }
    dn.add_attribute("X520.CommonName", spec.cn);
    Botan::Extensions ext;
    ext.add(std::make_unique<OrderedDnsSan>(spec.sans), false);
    // No padding named: Botan 3 picks the key's default with SHA-256, PKCS#1 v1.5 for RSA
    // (sha256WithRSAEncryption) and ecdsa-with-SHA256 (Botan 2's names EMSA3 and EMSA1 are
    // gone from 3's documentation, doc/migration_guide.rst).
    // CA/B BR 7.1.3.2 pairs P-384 with SHA-384 and P-521 with SHA-512 (R20); RSA and P-256
    // sign with SHA-256.
    const char* hash = spec.key.param == "p384" ? "SHA-384" : spec.key.param == "p521" ? "SHA-512" : "SHA-256";
    const auto req = Botan::PKCS10_Request::create(*key, dn, ext, hash, rng);
    GeneratedRequest out;
    out.csr_pem = req.PEM_encode();
    out.key_pem = passphrase ? Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(*key, rng, *passphrase, 100000,
                                                                           "AES-256/CBC", "SHA-256")
                             : Botan::PKCS8::PEM_encode(*key);
    return out;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorKind::internal, fmt::format("creating the request for {}: {}", spec.cn, e.what()));
  }
}

RequestInfo read_request(std::string_view data, const std::string& source) {
  try {
    Botan::DataSource_Memory src(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    const Botan::PKCS10_Request req(src);
    RequestInfo info;
    for (const auto& [oid, value] : req.subject_dn().dn_info()) {
      const std::string name = oid.to_formatted_string();
      const std::string short_name = name == "X520.CommonName"           ? "CN"
                                     : name == "X520.Country"            ? "C"
                                     : name == "X520.State"              ? "ST"
                                     : name == "X520.Locality"           ? "L"
                                     : name == "X520.Organization"       ? "O"
                                     : name == "X520.OrganizationalUnit" ? "OU"
                                                                         : name;
      info.subject.emplace_back(short_name, value.value());
      if (short_name == "CN" && info.cn.empty()) {
        info.cn = value.value();
      }
    }
    info.sans = x509::read_san(req.extensions()).dns;
    const std::unique_ptr<Botan::Public_Key> pub(req.subject_public_key());
    info.key_type = key_type_of(*pub);
    info.signature = req.signature_algorithm().oid().to_formatted_string();
    info.signature_valid = req.check_signature(*pub);
    return info;
  } catch (const Botan::Decoding_Error& e) {
    // Botan checks the signature while decoding and throws on a bad one. That request was
    // read and judged (cli.md: csr --check exits 0/1/2), so report it as one whose signature
    // does not verify; its other fields, read from altered bytes, are left empty.
    if (std::string_view(e.what()).find("Bad signature") != std::string_view::npos) {
      RequestInfo info;
      info.signature_valid = false;
      return info;
    }
    throw Error(ErrorKind::input, fmt::format("{}: not a readable PKCS#10 request: {}", source, e.what()));
  } catch (const std::exception& e) {
    throw Error(ErrorKind::input, fmt::format("{}: not a readable PKCS#10 request: {}", source, e.what()));
  }
}

} // namespace certplan
