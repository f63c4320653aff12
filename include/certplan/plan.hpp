// The plan: namespaces, certificates, DNS records and per-client consequences derived from
// a topology (domain.md R1-R17). Pure: no I/O, no clock.
#pragma once

#include <certplan/clients.hpp>
#include <certplan/finding.hpp>
#include <certplan/topology.hpp>

#include <string>
#include <vector>

namespace certplan {

enum class Scope { external, internal };
std::string_view to_string(Scope s);

// Why a name is in the plan; to_string gives the spelling every output uses ("site",
// "autodiscover-redirect", ...).
enum class NamespaceRole {
  site,                         // a site's namespace (R1)
  legacy,                       // a site's legacy namespace for coexistence (R4)
  autodiscover,                 // autodiscover.<smtp domain> on the certificate (R2)
  autodiscover_redirect,        // autodiscover.<smtp domain> answered by an HTTP-only redirect (R2)
  server,                       // a client-access server's FQDN (extension, R6 internal names)
  netbios,                      // a client-access server's NetBIOS name (R6 internal names)
  protocol,                     // a POP3/IMAP4/SMTP host of its own (R5)
  redirect,                     // a redirect web site's name (seed 000/002)
  tenant_autodiscover,          // a hosted tenant's autodiscover name on the certificate
  tenant_autodiscover_redirect, // a hosted tenant's autodiscover name behind the redirect
  tenant_webmail,               // a hosted tenant's webmail host (redirected)
};
std::string_view to_string(NamespaceRole r);

// One host name clients connect to.
struct Namespace {
  HostName fqdn;
  std::vector<Service> services;
  std::string site;               // the site that serves it ("" for provider-wide names)
  std::vector<std::string> sites; // every site it serves (proxy and multi-site models)
  std::string forest;
  Scope scope = Scope::external;
  NamespaceRole role = NamespaceRole::site;
  std::string tenant;
  bool on_certificate = true; // false: http-only redirect names
  // R7 position class on a certificate: 0 site namespace, 1 primary SMTP domain's
  // autodiscover, 2 other names of the site, 3 other SMTP domains' autodiscover, 4 tenant
  // autodiscover names, 5 internal names. Ties keep derivation (topology) order.
  int rank = 2;
};

enum class CertKind { san, wildcard, single_name };
std::string_view to_string(CertKind k);

struct CertificatePlan {
  std::string id;
  CertKind kind = CertKind::san;
  std::string cn;
  SubjectParts subject;
  std::vector<std::string> sans; // CSR order (R7)
  std::vector<std::string> sites;
  std::vector<std::string> services; // Exchange -Services: IIS, POP, IMAP, SMTP, UM
  std::string forest;
  std::string key;
  Authority authority = Authority::public_;
  std::string binding; // where and how it binds: "IIS Default Web Site 443 (primary IP)" ...
  bool needs_own_ip = false; // R12: another certificate already holds the site's IP:443
  std::string principal_name; // R16: msstd:<cn>
  std::string exchange_command; // New-ExchangeCertificate ... (R7)
};

struct DnsRecord {
  std::string name;
  std::string type; // A | CNAME | SRV | MX
  std::string value;
  std::string zone;
  std::string view; // external | internal
  std::string note;
};

// One cell of the plan's judgement: what `client` will meet at `endpoint` for `service`
// once the planned certificates are issued and bound as planned (the same cell `certplan
// audit` reports for the installed ones).
struct CellVerdict {
  std::string endpoint;
  std::string service; // iis | pop | imap | smtp
  std::string client;
  Severity status = Severity::info;
  std::vector<std::string> rules; // ids of the rules that spoke, in order, each once
};

struct ClientOutcome {
  std::string id;
  std::string name;
  Severity status = Severity::info; // info = ok
  std::vector<std::string> notes;
};

struct Plan {
  std::string topology_path;
  std::string organization;
  Model model = Model::consolidated;
  ExchangeVersion exchange = ExchangeVersion::v2019;
  Strategy strategy_requested = Strategy::auto_;
  Strategy strategy_used = Strategy::san;
  std::string strategy_reason;
  std::vector<Namespace> namespaces;
  std::vector<CertificatePlan> certificates;
  std::vector<DnsRecord> dns_records;
  std::vector<ClientOutcome> clients;
  std::vector<CellVerdict> verdicts; // endpoint x service x supported client
  std::vector<Finding> findings;

  Severity worst() const; // info when nothing to report
};

// Derives the whole plan. `catalog` resolves the topology's supported client ids.
Plan make_plan(const Topology& topo, const ClientCatalog& catalog);

// Where clients connect to each name the plan puts on a certificate, for live checks:
// 443 for the HTTP services, 993 for IMAP and 995 for POP3 (implicit TLS), 25 for SMTP
// (STARTTLS). Sorted by host then port, each once.
struct PlannedEndpoint {
  std::string host;
  unsigned port = 443;
  friend auto operator<=>(const PlannedEndpoint&, const PlannedEndpoint&) = default;
};
std::vector<PlannedEndpoint> planned_endpoints(const Plan& plan);
// The port a service is published on: 993 IMAP, 995 POP3, 25 SMTP, 443 the HTTP services.
unsigned planned_port(Service s);


} // namespace certplan
