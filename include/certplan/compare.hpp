// Hosted model: the three ways tenant domains can reach autodiscover (R2), side by side.
#pragma once

#include <certplan/clients.hpp>
#include <certplan/topology.hpp>

#include <string>
#include <vector>

namespace certplan {

// What a user of one client sees when setting up a tenant mailbox.
enum class Experience { silent, prompt, warning, manual, fails, not_applicable };
std::string_view to_string(Experience e);

struct ClientExperience {
  std::string id;
  Experience experience = Experience::not_applicable;
  std::string detail;
};

struct OptionSummary {
  AutodiscoverMethod method = AutodiscoverMethod::san;
  std::vector<std::string> certificate_ids;
  std::size_t names_on_certificates = 0;
  std::size_t ip_addresses = 0; // R12, on the provider's client-access servers
  std::string ip_detail;
  std::vector<std::string> tenant_records; // one tenant's records ("CNAME autodiscover.t.com -> ...")
  double dns_records_per_tenant = 0;       // average over tenants
  std::size_t tenant_dns_records = 0;      // all tenants
  bool reissue_on_tenant_change = false;
  std::vector<ClientExperience> clients;
};

struct Comparison {
  std::string topology;
  std::size_t tenants = 0;
  std::size_t tenant_domains = 0;
  unsigned max_names = 0;
  std::vector<OptionSummary> options; // redirect, srv, san
};

// Plans the topology once per option. Throws Error(usage) unless the model is hosted.
Comparison compare_autodiscover(const Topology& topo, const ClientCatalog& catalog);

} // namespace certplan
