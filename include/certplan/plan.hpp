// The plan: namespaces, certificates, DNS records and per-client consequences derived from
// a topology (domain.md R1-R17). Pure: no I/O, no clock.
#pragma once

#include <certplan/clients.hpp>
#include <certplan/finding.hpp>
#include <certplan/topology.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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

class TenantRecords;

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
  // From make_plan_viewing: a hoster's tenants' namespaces and DNS records, which are then not
  // in the two vectors above but made as they are visited (for_each_namespace,
  // for_each_dns_record). Null from make_plan, whose vectors hold every one.
  std::shared_ptr<const TenantRecords> tenant_records;

  Severity worst() const; // info when nothing to report
  std::size_t namespace_count() const;  // the vector's and the tenants' made on demand
  std::size_t dns_record_count() const;
};

// The tenant part of a plan from make_plan_viewing. Each tenant's namespaces and records are
// made by the code make_plan collects them with, when visited; the plan order is
// Plan::namespaces[0, namespaces_at()), then the tenants' in tenant order, then the rest (the
// same for DNS records). It reads the tenants of the topology the plan was made from, which
// must neither go nor change while it is used (moving the topology is fine).
struct TenantContext;
class TenantRecords {
public:
  TenantRecords(const Topology& topo, std::shared_ptr<const TenantContext> context, std::size_t namespaces_at,
                std::size_t dns_records_at);

  std::size_t tenants() const { return m_count; }
  std::size_t namespace_count() const { return m_namespaces; }
  std::size_t dns_record_count() const { return m_dns_records; }
  std::size_t namespaces_at() const { return m_namespaces_at; }
  std::size_t dns_records_at() const { return m_dns_records_at; }
  // Whether a tenant's records are the same in both views (the values they share are): then
  // two plans' tenant parts differ by the tenants that differ alone.
  bool alike(const TenantRecords& other) const;

  // The namespaces (DNS records) of tenants [from, to), in plan order. `fn` gets a reference
  // valid only during the call. Safe to call from several threads at once.
  void namespaces(std::size_t from, std::size_t to, const std::function<void(const Namespace&)>& fn) const;
  void dns_records(std::size_t from, std::size_t to, const std::function<void(const DnsRecord&)>& fn) const;
  // The DNS records, in plan order, of the tenants that can have a record named or zoned at or
  // under one of `names`: a tenant's records are named after its domains or its webmail host,
  // and a zone is a suffix of its record's name, so only a tenant with a domain or webmail host
  // at, under or above one of `names` can (tenant_records.hpp). A superset; filter the records.
  void dns_records_near(const std::vector<std::string_view>& names,
                        const std::function<void(const DnsRecord&)>& fn) const;

private:
  const Tenant* m_tenants; // the topology's (its array stays where it is when the topology moves)
  std::size_t m_count;
  std::shared_ptr<const TenantContext> m_context;
  std::size_t m_namespaces_at, m_dns_records_at;
  std::size_t m_namespaces = 0, m_dns_records = 0;
};

// Every namespace (DNS record) of the plan, in plan order, whichever way the plan holds them.
void for_each_namespace(const Plan& plan, const std::function<void(const Namespace&)>& fn);
void for_each_dns_record(const Plan& plan, const std::function<void(const DnsRecord&)>& fn);

// Derives the whole plan. `catalog` resolves the topology's supported client ids.
Plan make_plan(const Topology& topo, const ClientCatalog& catalog);
// make_plan's first steps alone, for a command that judges certificates against the planned
// names (audit): the header fields, every namespace, the strategy (and its reason) and the
// certificates, each as make_plan gives it, but for CertificatePlan::exchange_command, left
// empty. No DNS records, findings, client outcomes or verdicts: an audit reads none of them,
// and the client evaluation alone is a whole audit of the planned certificates.
Plan make_certificate_plan(const Topology& topo, const ClientCatalog& catalog);
// The same plan, rendered the same byte for byte, with a hoster's tenant records left to
// Plan::tenant_records when nothing but the tenants' own names depends on them: a hosted
// topology whose tenant names are on no certificate (autodiscover redirect or srv), none of
// them a provider name, without internal names. Otherwise exactly make_plan. The plan reads
// `topo`, which must outlive it (hence no temporary topology).
Plan make_plan_viewing(const Topology& topo, const ClientCatalog& catalog);
Plan make_plan_viewing(Topology&&, const ClientCatalog&) = delete;

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
