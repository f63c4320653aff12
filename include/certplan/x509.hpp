// Keys, certificate requests and certificates, in certplan's own types. Every Botan call
// lives behind this header (src/x509/), so a move to Botan 3 touches one folder.
#pragma once

#include <certplan/limits.hpp>
#include <certplan/topology.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certplan {

// What a request must say: the CN, the SANs in CSR order (R7) and the other subject parts.
struct CsrSpec {
  std::string cn;
  std::vector<std::string> sans;
  SubjectParts subject;
  KeySpec key;
};

struct GeneratedRequest {
  std::string key_pem; // PKCS#8; "ENCRYPTED PRIVATE KEY" (PBES2, AES-256-CBC) with a passphrase
  std::string csr_pem; // PKCS#10, SHA-256
};

// Generates a key and a request signed with it. Throws Error(input) for a bad key spec.
GeneratedRequest generate_request(const CsrSpec& spec, const std::optional<std::string>& passphrase);

// A request read back: names in encoded order, whether its self-signature verifies.
struct RequestInfo {
  std::string cn;
  std::vector<std::string> sans; // dNSName entries in encoded order
  std::vector<std::pair<std::string, std::string>> subject; // (short name, value), encoded order
  std::string key_type;  // "rsa:2048", "ecdsa:p256", ...
  std::string signature; // "sha256WithRSAEncryption", ...
  bool signature_valid = false;
};

// Parses a PEM or DER PKCS#10 request. Throws Error(input) naming `source`.
RequestInfo read_request(std::string_view data, const std::string& source);

} // namespace certplan

namespace certplan {

// The fields certplan judges a certificate by, names in encoded order.
struct CertificateInfo {
  std::string subject_cn;
  std::vector<std::string> dns_sans;
  std::vector<std::string> ip_sans;
  std::string issuer;
  std::string not_before; // RFC 3339 UTC
  std::string not_after;
  std::string sha256_fingerprint; // "AB:CD:..."
  std::string sha1_fingerprint;   // "AB:CD:...": Windows' thumbprint; empty from read_certificate_summary
  std::string serial;             // hex, as the x509 exporters print it
  bool self_signed = false;
  std::string key_type;       // "rsa:2048", "ecdsa:p256", "ecdsa:<curve>", ...
  std::size_t key_bits = 0;
  std::string signature_hash; // "SHA-256", "SHA-1", ...
  bool eku_present = false;
  bool server_auth = false;   // EKU lists id-kp-serverAuth
  bool is_ca = false;
  long long not_before_unix = 0;
  long long not_after_unix = 0;
};

// How messages name a certificate: "CN=<subject CN>", or "serial <hex>" when it has no CN.
inline std::string certificate_label(const CertificateInfo& c) {
  return c.subject_cn.empty() ? "serial " + c.serial : "CN=" + c.subject_cn;
}

// Every certificate in a PEM bundle (text around the blocks is ignored) or a DER file.
// Throws Error(input) naming `source` when none can be read, or when the bundle holds more
// than `max_certificates` (--max-certs).
std::vector<CertificateInfo> read_certificates(std::string_view data, const std::string& source,
                                               std::size_t max_certificates = 1000);

// Whether a summary keeps the subjectAltName lists. Skipped, they are still checked as when
// kept (a certificate is read, or refused, alike) but not stored: most reports do not show
// them, and their strings were most of the allocations of an expiry scan (issue 18).
enum class SanLists { read, skip };

// One certificate block, PEM ("-----BEGIN CERTIFICATE-----" to its END line) or DER, read
// for an expiry report: names, validity, issuer, serial, SHA-256 fingerprint, self-signed;
// the key and signature fields stay empty (and the SAN lists with SanLists::skip). A
// bounds-checked DER walk reads what it fully understands and Botan's full parse takes the
// rest, so both give the same answer. Throws Error(input) with the reason; the caller names
// the source.
CertificateInfo read_certificate_summary(std::string_view block, SanLists sans = SanLists::read);

// Windows' thumbprint of a DER certificate: SHA-1, upper-case hex without separators.
std::string sha1_thumbprint(std::string_view der);

// A DER certificate that Windows accepted and Botan's full parse refuses (a self-signed
// WMSvc certificate with a Key Usage BIT STRING that keeps trailing zero bits): the fields the
// bounds-checked DER walk reads (names, validity, issuer, serial, fingerprints); key and
// signature fields stay empty and self_signed only says subject == issuer (the signature is not
// checked). nullopt when the walk declines it too.
std::optional<CertificateInfo> read_certificate_lenient(std::string_view der);

// "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, UTC) for a Unix time; cheaper than gmtime + strftime.
std::string format_rfc3339(long long unix_time);

// Size of the DER element at the start of `data` (tag, length and contents), or 0 when it is
// not a well-formed definite-length element that fits: how a DER file is cut into certificates.
std::size_t der_element_size(std::string_view data);

// Path validation of a bundle (leaf first, then untrusted intermediates) against a trust
// store, at a fixed time; the host name is not checked here (certplan's matcher does that).
struct ChainCheck {
  bool trusted = false;
  std::string status; // Botan's verdict in words ("Verified", "Certificate issuer not found", ...)
  // Not trusted only because a certificate is outside its validity at the time asked (every
  // error is "not yet valid" or "expired"): expiry judges dates with statuses of its own, so
  // it must not also call such a chain untrusted.
  bool dates_only = false;
  // DNS name constraints of the CAs on the validated path (RFC 5280 4.2.1.10). Botan checks
  // them against the names in the certificate only, so a wildcard SAN slips past an excluded
  // host (CVE-2025-61727's pattern); the caller checks the host it connects to as well.
  std::vector<std::string> permitted_dns;
  std::vector<std::string> excluded_dns;
};

// A bundle read and its chain validated from one parse (ChainValidator::read).
struct ReadBundle {
  std::vector<CertificateInfo> certificates; // as read_certificates gives them
  ChainCheck chain;
};

class ChainValidator {
public:
  // `trust_file`: PEM bundle of roots; "" uses the system store (/etc/ssl/certs).
  explicit ChainValidator(const std::string& trust_file);
  ~ChainValidator();
  ChainValidator(const ChainValidator&) = delete;
  ChainValidator& operator=(const ChainValidator&) = delete;

  // Safe to call from several threads. A bundle already validated at the same time is not
  // validated again (the same verdict, from memory).
  ChainCheck check(std::string_view bundle, const std::string& source, long long at_unix) const;
  // read_certificates(bundle, source, max_certificates) and check() of the same bundle, with
  // their errors, from one parse: what audit does to every certificate file.
  ReadBundle read(std::string_view bundle, const std::string& source, long long at_unix,
                  std::size_t max_certificates) const;
  // What loading the trust file found worth saying (intermediates in it, no root at all).
  const std::vector<std::string>& notes() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Whether the PKCS#8 private key in `key_pem` belongs to the bundle's leaf certificate.
bool key_matches(std::string_view key_pem, std::string_view bundle, const std::optional<std::string>& passphrase);

} // namespace certplan

namespace certplan {

// What a live TLS endpoint presented (Botan 3's TLS client: TLS 1.3 and 1.2).
struct ProbeResult {
  bool reachable = false;              // TCP connected (and STARTTLS accepted)
  std::vector<CertificateInfo> chain;  // leaf first, as the server sent it
  std::string chain_pem;               // the same certificates as PEM, in the order sent: for ChainValidator
  std::string error;                   // why there is no chain ("" on success)
  std::optional<Limit> limit;          // set when the error is a limit refusing the chain
};

enum class StartTls { none, smtp, imap, pop3 };

// Connects to host:port, optionally speaks STARTTLS first, and captures the certificate
// chain during the handshake. `timeout_ms` bounds the whole probe (connect, STARTTLS and
// handshake), however slowly the peer sends; a chain longer than `max_chain` is refused.
// Never throws for network trouble: it is reported in `error`.
ProbeResult probe_endpoint(const std::string& host, unsigned port, const std::string& sni, StartTls starttls,
                           int timeout_ms, std::size_t max_chain = 16);

} // namespace certplan
