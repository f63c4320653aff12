// Private to the plan module: the steps make_plan chains.
#pragma once

#include <certplan/plan.hpp>

#include <memory>

namespace certplan {

// The forest's first internet-facing site, where its autodiscover names resolve.
const Site* autodiscover_site(const Topology& topo, const std::string& forest);
// The first internet-facing site: home of protocol hosts and provider-wide names.
const Site& primary_site(const Topology& topo);

// The client-access addresses of a site, as DNS records use them; a placeholder such as
// "<IP of site X>" where the topology gives none (so plans still say where names point).
struct Addresses {
  std::vector<std::string> primary;   // IIS :443 (and :80)
  std::vector<std::string> secondary; // the redirect web sites (seed 000)
};
Addresses addresses(const Topology& topo, const std::string& site_name);
// Step 1 of make_plan: every host name the topology publishes, in plan order; without the
// hosted tenants' own names unless `with_tenants` (make_plan_viewing leaves them to
// TenantRecords).
std::vector<Namespace> derive_namespaces(const Topology& topo, bool with_tenants = true);
// Whether the site runs a redirect web site (port 80 only) on its second IP: tenant or
// webmail redirect names (seed 000) or the autodiscover redirect (R2). That address is then
// not one a certificate can be bound on (R12).
bool redirect_site_at(const std::vector<Namespace>& namespaces, const std::string& site_name);
// R12: the address(es) DNS gives the names of the `index`-th (0-based) certificate bound on
// its own IP at the site: the servers' secondary_ip when the redirect site does not hold it,
// else a placeholder ("<second IP of site X>", "<third IP of site X>", ...).
std::vector<std::string> own_addresses(const Topology& topo, const std::vector<Namespace>& namespaces,
                                       const std::string& site_name, std::size_t index);

struct SupportedClients {
  std::vector<const ClientProfile*> list;
  bool all_accept_wildcards() const;
  // Clients that send no SNI (Tri::no only: an unverified claim never buys an address, R12/R13).
  std::vector<const ClientProfile*> without_sni() const;
};

// R7-R9, R12, R16: certificates for the on-certificate namespaces, without their Exchange
// request (exchange_command is left empty: see exchange_command()).
std::vector<CertificatePlan> plan_certificates(const Topology& topo, const std::vector<Namespace>& namespaces,
                                               Strategy strategy, const SupportedClients& clients,
                                               std::vector<Finding>& findings);
// R7: the New-ExchangeCertificate request of a planned certificate (its subject, names,
// services and id). Only the plan's outputs read it: make_plan writes it once the strategy is
// chosen, for the chosen certificates alone.
std::string exchange_command(const Topology& topo, const CertificatePlan& c);

// External and internal (split DNS) records; the names of a certificate bound on its own IP
// (R12, needs_own_ip) resolve to that address.
std::vector<DnsRecord> plan_dns(const Topology& topo, const std::vector<Namespace>& namespaces,
                                const std::vector<CertificatePlan>& certificates);
// The hosted tenants' records (they depend on the topology alone: make_plan makes them on
// another core meanwhile) and the index of the topology's domains they were zoned by, which
// plan_dns reuses rather than building it again.
class ZoneIndex;
struct TenantDns {
  std::vector<DnsRecord> records;
  std::shared_ptr<const ZoneIndex> zones;
};
// The index of every domain the topology names, which zones the records.
std::shared_ptr<const ZoneIndex> zone_index(const Topology& topo);
TenantDns plan_tenant_dns(const Topology& topo);
// plan_dns with the tenants' records already made. `all_cnames` (when given) says whether the
// RFC 2181 rewrite of MX targets had to index every CNAME (a chain loops), which makes its
// result depend on how many there are.
std::vector<DnsRecord> plan_dns(const Topology& topo, const std::vector<Namespace>& namespaces,
                                const std::vector<CertificatePlan>& certificates, TenantDns tenants,
                                bool* all_cnames = nullptr);

// R10, R12-R16 and R2 from each supported client's point of view.
// Through audit_endpoints on as_issued(plan): the registry's verdicts, not a copy of them.
std::vector<ClientOutcome> evaluate_clients(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                                            const SupportedClients& clients, std::vector<Finding>& findings,
                                            std::vector<CellVerdict>& verdicts);

} // namespace certplan
