// An Exchange server's own exports (issue 16): Export-Clixml (CLIXML) or ConvertTo-Json of
// Get-ExchangeCertificate, Get-WebBinding, Get-WebSite, Get-AuthConfig, Get-*VirtualDirectory,
// Get-ReceiveConnector, Get-SendConnector, Get-ExchangeServer and Get-AcceptedDomain, read
// into the installed state of that server. Pure: the CLI reads the files and passes the text
// in; certificates are parsed through x509.hpp, the verdicts come from the rules registry.
#pragma once

#include <certplan/audit.hpp>
#include <certplan/error.hpp>
#include <certplan/finding.hpp>
#include <certplan/x509.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace certplan::exports {

// One deserialized PowerShell value, the shape both CLIXML and ConvertTo-Json give: a
// primitive (its text), a byte array, a list, or an object with type names and properties.
struct PsNode {
  enum class Kind { null, string, number, boolean, date, bytes, list, object };
  Kind kind = Kind::null;
  std::string text;  // string, number, "true"/"false", date (as written), ToString of an object
  std::string bytes; // byte array (CLIXML <BA>, JSON base64 or array of numbers)
  std::vector<std::string> type_names; // most derived first, without "Deserialized."
  std::vector<std::pair<std::string, std::shared_ptr<const PsNode>>> props; // <Props> and <MS>
  std::vector<std::shared_ptr<const PsNode>> items;                           // <LST>, <IE>, ...
  SourcePos where;

  // The property named `name` (case-insensitive, as PowerShell looks names up), or nullptr.
  const PsNode* get(std::string_view name) const;
  // The text of property `name`, or of its ToString when it is an object; "" when absent/null.
  std::string text_of(std::string_view name) const;
  bool has_type(std::string_view suffix) const; // a type name ends with `suffix`
};

// The bytes of an export file as UTF-8: a UTF-8 BOM is dropped, UTF-16LE/BE (with a BOM, or
// UTF-16LE without one: Windows PowerShell 5.1's default) is converted. Throws Error(input).
std::string to_utf8(std::string_view raw, const std::string& source);

// "_xHHHH_" (XmlConvert's escape, which CLIXML uses in text and names) decoded; "_x005F_" is "_".
std::string decode_xml_escapes(std::string_view s);

// CLIXML (<Objs> of Export-Clixml), UTF-8 text: its top-level objects. <Ref> and <TNRef>
// resolve to the object or type names they point back to (two file-global id spaces). Throws
// Error(input) with the file, line and column of what cannot be read.
std::vector<std::shared_ptr<const PsNode>> read_clixml(std::string_view utf8, const std::string& source);

// ConvertTo-Json of the same objects (an array or one object): "\/Date(ms)\/" and ISO dates,
// enums as numbers or names, byte arrays as base64 or arrays of numbers. Throws Error(input).
std::vector<std::shared_ptr<const PsNode>> read_ps_json(std::string_view utf8, const std::string& source);

// What a file holds, by content: CLIXML, JSON, or neither (nullopt: not an export).
enum class ExportFormat { clixml, json };
std::optional<ExportFormat> sniff_format(std::string_view utf8);

// The fields of Get-ExchangeCertificate that only its SerializationData blob (.NET
// BinaryFormatter, MS-NRBF) carries. A bounded reader of the record kinds the blob uses;
// nullopt when the blob is not one it can read.
struct CertificateBlob {
  std::optional<std::uint32_t> services; // AllowedServices: IMAP=1 POP=2 UM=4 IIS=8 SMTP=16 Federation=32
  std::optional<std::int32_t> status;    // CertificateStatus: Unknown=0 Valid=1 ... PendingRequest=7
  std::optional<bool> self_signed;
  std::string identity; // "SERVER\\THUMBPRINT"
};
std::optional<CertificateBlob> read_certificate_blob(std::string_view blob);

// "IMAP, POP, IIS, SMTP" for an AllowedServices value.
std::string services_to_string(std::uint32_t services);
// "Valid", "PendingRequest", ... for a CertificateStatus value.
std::string status_to_string(std::int32_t status);

struct InstalledCertificate {
  std::string thumbprint; // SHA-1 of the DER, upper-case hex without separators
  std::string der;
  CertificateInfo info;
  std::optional<CertificateBlob> blob;
  std::string note; // how it was read when not fully ("" normally)
  SourcePos where;
};

// One IIS binding (Get-WebBinding, or a site's bindings in Get-WebSite).
struct InstalledBinding {
  std::string site;     // from ItemXPath, "Default Web Site"
  std::string protocol; // http | https
  std::string ip;       // "*", "" (all unassigned) or an address
  unsigned port = 0;
  std::string host;     // host header / SNI name, "" when none
  std::string thumbprint; // upper-case, "" when none
  long long ssl_flags = 0; // 1: SNI
  SourcePos where;
};

struct InstalledAuth {
  std::string current, next, previous; // thumbprints
  std::optional<long long> next_effective; // Unix time of NextCertificateEffectiveDate
  SourcePos where;
};

struct InstalledConnector {
  std::string kind; // receive | send
  std::string name;
  std::string tls_subject; // TlsCertificateName's CN=... parts ("" when none is set)
  std::string tls_issuer;
  std::string fqdn;
  SourcePos where;
};

struct InstalledVdir {
  std::string kind; // owa | ews | ecp | oab | activesync | mapi | autodiscover | powershell | ...
  std::string name;
  std::string server;
  std::string internal_url, external_url;
  SourcePos where;
};

// The state of one server folder (several servers' exports may sit in one folder too).
struct InstalledState {
  std::string source; // the folder
  std::vector<InstalledCertificate> certificates;
  std::vector<InstalledBinding> bindings;
  std::vector<InstalledAuth> auth;
  std::vector<InstalledConnector> connectors;
  std::vector<InstalledVdir> vdirs;
  std::vector<std::string> servers;          // Get-ExchangeServer: Name
  std::vector<std::string> server_fqdns;     // and Fqdn
  std::vector<std::string> accepted_domains; // Get-AcceptedDomain: DomainName
  std::vector<std::string> files;            // the export files read, with what each held
  std::vector<std::string> skipped;          // files in the folder that are not exports

  const InstalledCertificate* find(std::string_view thumbprint) const;
};

// Adds what the objects of one file hold to `state`; objects of a kind certplan does not
// read are left out. Throws Error(input) for an object that has its kind's marks but not its
// contract (a certificate whose RawData is not a certificate).
void add_objects(InstalledState& state, const std::vector<std::shared_ptr<const PsNode>>& objects,
                 const std::string& file);

// The installed certificates as audit sees them: each bound where the exports say (IIS from
// the https bindings of the front-end site; SMTP, POP, IMAP from Services), at the sites of
// the topology whose servers the exports name (every internet-facing site when none). Chains
// are left for the caller to validate (x509.hpp's ChainValidator).
std::vector<AuditCertificate> audit_certificates(const InstalledState& state, const Topology& topo);

// The registry's word on the state itself, not tied to an endpoint cell: bindings to a
// certificate missing or expired, the back-end site's 444 binding, vdir URLs no bound
// certificate covers or outside the plan's namespaces, connectors whose TlsCertificateName
// matches no certificate, R11's Exchange Auth certificate with its staged next one.
// `namespaces`: the plan's host names ("" list when there is no topology).
std::vector<Finding> judge_installed(const InstalledState& state, const std::vector<std::string>& namespaces,
                                     long long at_unix);

} // namespace certplan::exports
