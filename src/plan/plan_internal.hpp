// Private to the plan module: the steps make_plan chains.
#pragma once

#include <certplan/plan.hpp>

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

struct SupportedClients {
  std::vector<const ClientProfile*> list;
  bool all_accept_wildcards() const;
  // Clients that send no SNI (Tri::no only: an unverified claim never buys an address, R12/R13).
  std::vector<const ClientProfile*> without_sni() const;
};

// R7-R9, R12, R16: certificates for the on-certificate namespaces.
std::vector<CertificatePlan> plan_certificates(const Topology& topo, const std::vector<Namespace>& namespaces,
                                               Strategy strategy, const SupportedClients& clients,
                                               std::vector<Finding>& findings);

// External and internal (split DNS) records.
std::vector<DnsRecord> plan_dns(const Topology& topo, const std::vector<Namespace>& namespaces);

// R10, R12-R16 and R2 from each supported client's point of view.
// Through audit_endpoints on as_issued(plan): the registry's verdicts, not a copy of them.
std::vector<ClientOutcome> evaluate_clients(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                                            const SupportedClients& clients, std::vector<Finding>& findings,
                                            std::vector<CellVerdict>& verdicts);

} // namespace certplan
