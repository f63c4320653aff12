// Private to the rules registry and its callers: a rule's definition (metadata and checks)
// and the facts a check judges. One rule per file (src/rules/rNN_*.cpp); registry.cpp lists them.
#pragma once

#include <certplan/audit.hpp>
#include <certplan/clients.hpp>
#include <certplan/finding.hpp>
#include <certplan/plan.hpp>
#include <certplan/rules.hpp>
#include <certplan/server_export.hpp>
#include <certplan/topology.hpp>
#include <certplan/x509.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace certplan::rules {

// One rule's word on one subject.
struct Verdict {
  std::string_view rule;
  Severity severity = Severity::info;
  std::string message;
};
using Verdicts = std::vector<Verdict>;

// What one client meets at one endpoint: the certificate the server hands it there (chosen by
// the serving model, src/rules/serving.cpp) and the facts the checks need besides.
struct Meeting {
  std::string_view host;     // the name the client connects to (A-label form)
  std::string_view service;  // iis | pop | imap | smtp
  bool outlook_anywhere = false; // the endpoint publishes Outlook Anywhere (R16)
  const ClientProfile& client;
  const AuditCertificate& certificate;
  Authority authority = Authority::public_; // what the topology promises (R13, R6, R19, R20)
  ExchangeVersion exchange = ExchangeVersion::v2019;
  long long at = 0;           // --at
  bool named_exactly = false; // an exact DNS SAN names the host (fast path of the matcher)
  // R16: the Outlook Anywhere principal the plan has the admin configure with
  // Set-OutlookProvider EXPR -CertPrincipalName ("" when the default msstd:<host> applies).
  std::string_view principal;
  // Computed once by name_coverage() (R17) and read by R13, R14, R17.
  mutable int coverage = -1;
};

// R17's matcher on the meeting: covered under the client's profile; covered under strict RFC
// 9525 (so a refusal is the profile's).
struct NameCoverage {
  bool covered = false;
  bool covered_strict = false;
};
NameCoverage name_coverage(const Meeting& m);

// A request's facts (csr --check, and certplan's own requests before they are written).
struct RequestFacts {
  const RequestInfo& request;
  Authority authority = Authority::public_;
  ExchangeVersion exchange = ExchangeVersion::v2019;
};

// A certificate's facts outside any endpoint (expiry, file lints).
struct CertificateFacts {
  const CertificateInfo& certificate;
  long long at = 0;
};

// A certificate of the plan, before any request exists.
struct PlannedFacts {
  const CertificatePlan& certificate;
  const Topology& topology;
};

// The topology with its derived namespaces: the checks that judge the deployment as a whole.
struct TopologyFacts {
  const Topology& topology;
  const std::vector<Namespace>& namespaces;
};

// One supported client against the topology (autodiscover, support matrix).
struct ClientFacts {
  const Topology& topology;
  const ClientProfile& client;
};

// A server's installed state read from its own exports (audit/expiry --server-export), and
// the plan's host names when there is a topology (empty otherwise).
struct InstalledFacts {
  const exports::InstalledState& state;
  const std::vector<std::string>& namespaces;
  long long at = 0;
};

// A chain a live server sent, judged with no client profile (expiry's live endpoints): what
// every client needs at least -- the name under RFC 9525's strict policy, a chain that
// validates. Dates are expiry's own statuses, not verdicts here.
struct ServedFacts {
  std::string_view host;                     // the SNI name, or the planned name
  const std::vector<CertificateInfo>& chain; // leaf first, as sent
  const ChainCheck* check = nullptr;         // null: not verified (--no-verify)
  std::string_view check_error;              // validation could not run at all
  long long at = 0;
};

using TopologyCheck = void (*)(const TopologyFacts&, Verdicts&);
using ServedCheck = void (*)(const ServedFacts&, Verdicts&);
using InstalledCheck = void (*)(const InstalledFacts&, Verdicts&);
using ClientCheck = void (*)(const ClientFacts&, Verdicts&);
using EndpointCheck = void (*)(const Meeting&, Verdicts&);
using RequestCheck = void (*)(const RequestFacts&, Verdicts&);
using PlannedCheck = void (*)(const PlannedFacts&, Verdicts&);

struct RuleDef {
  Rule info;
  EndpointCheck at_endpoint = nullptr;
  RequestCheck on_request = nullptr;
  PlannedCheck on_planned = nullptr;
  TopologyCheck on_topology = nullptr;
  ClientCheck for_client = nullptr;
  InstalledCheck on_installed = nullptr;
  ServedCheck on_served = nullptr;
  // at_endpoint reads only the certificate met and what the meeting shares with every other
  // meeting of one run (authority, exchange, at): never the host, service, client or
  // principal. Its verdicts are then the same wherever the certificate is met, so
  // judge_meeting may keep them per certificate (CertificateMemo): an audit meets each of a
  // hoster's certificates at a hundred endpoints (issue 18). A test checks each rule so
  // marked against meetings that differ in everything else.
  bool same_for_certificate = false;
};

// The registry, in id order.
const std::vector<const RuleDef*>& registry();

// The verdicts of the checks marked same_for_certificate, kept per certificate for meetings
// that share their authority, exchange and time (one audit_endpoints run, one certificate list).
class CertificateMemo {
public:
  explicit CertificateMemo(std::size_t certificates) : m_kept(certificates) {}

private:
  friend Verdicts judge_meeting(const Meeting&, CertificateMemo*, std::size_t);
  struct Kept {
    bool made = false;
    std::vector<Verdicts> by_rule; // registry order
  };
  std::vector<Kept> m_kept;
};

// Every endpoint check of the registry on one meeting, in registry order. With `memo`, the
// checks marked same_for_certificate are run once for `certificate` (the index of the
// meeting's certificate in the list the memo was made for) and their verdicts reused.
Verdicts judge_meeting(const Meeting& m, CertificateMemo* memo = nullptr, std::size_t certificate = 0);
// Every request check of the registry on one request.
Verdicts judge_request(const RequestFacts& r);
// Every planned-certificate check of the registry on one planned certificate.
Verdicts judge_planned(const PlannedFacts& p);
// Every topology check of the registry.
Verdicts judge_topology(const TopologyFacts& t);
// Every per-client check of the registry (besides what the client meets at endpoints).
Verdicts judge_client(const ClientFacts& c);
// Every installed-state check of the registry (a server's exports).
Verdicts judge_installed(const InstalledFacts& s);
// Whether a served chain failed validation for more than dates (a chain untrusted only because
// a certificate is out of date at --at is expiry's `expired`/`not-yet-valid`, not untrusted).
bool served_untrusted(const ServedFacts& s);
// Every served-chain check of the registry (a live endpoint outside any client profile).
Verdicts judge_served(const ServedFacts& s);

// The rules the planner and the matcher cite when they explain a decision (R8 strategy, R9
// name limits, R12 addresses, R14/R17 names): by their definition, so an id exists only in
// its rule's file.
extern const RuleDef r08, r09, r12, r14, r17;

// A plan or audit finding citing `def`.
inline Finding finding(const RuleDef& def, Severity s, std::string message, std::string client = {}) {
  return {std::string(def.info.id), s, std::move(message), std::move(client)};
}

// Adds a verdict citing `def`'s id.
inline void add(Verdicts& v, const RuleDef& def, Severity s, std::string message) {
  v.push_back({def.info.id, s, std::move(message)});
}

// The worst severity among `v` (info when empty), and the first verdict of severity `s`.
Severity worst_of(const Verdicts& v);
const Verdict* first_of(const Verdicts& v, Severity s);

// Whether `v` says the certificate does not name the host the client asked for (R12, R14,
// R16, R17, and R13's CN-only clients), as opposed to a fault of the certificate itself:
// trace reports the two apart.
bool about_names(const Verdict& v);
// R15: a self-signed certificate that a client of SelfSigned::scp_only accepts when it found
// the server through the SCP (domain-joined Outlook), so the verdict does not apply there.
bool waived_at_scp(const Verdict& v, const ClientProfile& client);

// R13: a note from loading the trust store (an intermediate in it, no root at all): a warning,
// since a client's own store decides in the end.
Verdict trust_store_note(std::string note);

// R1 (the HTTPS services) or R5 (POP3, IMAP4, SMTP): no certificate is met at the endpoint.
// `service` is the serving model's binding ("iis", "pop", "imap", "smtp").
Verdict nothing_served(std::string_view service, std::string message);

// R12: a client that sends no SNI, or may not (sni no or unknown), meets what the address
// serves without SNI instead of the certificate naming the host.
struct SniFallback {
  Tri sni = Tri::unknown;
  std::string_view who;              // whose SNI is in doubt: the client's, or the server's selection
  std::string_view host;
  const Verdicts* with_sni = nullptr; // the verdicts on the certificate met with SNI
  const Verdicts* without = nullptr;  // on the one met without SNI; null when nothing is served so
  std::string_view without_source;    // the certificate met without SNI
  std::string_view what;              // what that certificate is ("the certificate bound to the address")
  std::string_view nothing_met;       // the serving model's message when `without` is null
};
std::optional<Verdict> judge_sni_fallback(const SniFallback& f);

// R12: whether the server selects a certificate by SNI: IIS 8 (Windows Server 2012) and later.
// Exchange 2007 runs on IIS 6/7/7.5 (no); Exchange 2010 selects only on Server 2012/2012 R2,
// which the topology does not say (unknown: both outcomes are judged); 2013 and later yes.
Tri server_selects_by_sni(ExchangeVersion v);
// The assumption behind server_selects_by_sni, for messages.
std::string_view server_sni_assumption(ExchangeVersion v);

// R20: an address of IANA's IPv4/IPv6 special-purpose registries (BR 7.1.2.7.12).
bool is_reserved_ip(std::string_view text);

// How the served chain is trusted, for the client-independent checks.
enum class Trust { public_ca, private_ca, untrusted };
Trust trust_of(const Meeting& m);

} // namespace certplan::rules
