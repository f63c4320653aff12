// R6: internal names are not allowed on publicly trusted certificates.
#include "rules/rule.hpp"

#include <certplan/hostname.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace certplan::rules {

extern const RuleDef r06;

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  if (trust_of(m) != Trust::public_ca) {
    return;
  }
  for (const auto& n : m.certificate.leaf.dns_sans) {
    // A view, not a copy: this runs for every SAN at every endpoint (issue 18: the copy of
    // each name was a quarter of an audit of 100,000 endpoints).
    const std::string_view name(n);
    if (is_internal_name(name.starts_with("*.") ? name.substr(2) : name)) {
      add(v, r06, Severity::failure, fmt::format("internal name {} on a publicly trusted certificate", n));
    }
  }
}

void on_topology(const TopologyFacts& t, Verdicts& v) {
  const auto& topo = t.topology;
  const auto& cs = topo.certificates;
  for (const auto& site : topo.sites) {
    if (site.internet_facing && site.ns && cs.authority == Authority::public_ && is_internal_name(site.ns->ascii)) {
      add(v, r06, Severity::failure,
          fmt::format("namespace {} of site {} is an internal name: no public CA will certify it (CA/B BR 4.2.2). "
                      "Publish the site under a registered domain (mail.<your domain>) and use split DNS for "
                      "internal clients.",
                      site.ns->display, site.name));
    }
  }
  if (cs.include_internal_names) {
    return; // planned on the certificate (enterprise or self-signed authority only)
  }
  for (const auto& site : topo.sites) {
    for (const auto& server : site.servers) {
      if (cs.include_server_fqdn && site.internet_facing && server.fqdn && server.has_role("client-access") &&
          is_internal_name(server.fqdn->ascii)) {
        add(v, r06, Severity::warning,
            fmt::format("include_server_fqdn: {} is an internal name and stays off the certificate; a public CA "
                        "would refuse it (R6).",
                        server.fqdn->display));
      }
    }
  }
  // Say how internal clients reach the services without internal names: each site's servers
  // through the namespace that serves the site (split DNS), with the version's cmdlet (R18).
  const bool v2013 = topo.organization.exchange >= ExchangeVersion::v2013;
  std::vector<std::string> per_site;
  std::vector<std::string> internal;
  for (const auto& site : topo.sites) {
    std::vector<std::string> names;
    for (const auto& server : site.servers) {
      if (server.has_role("client-access") && server.fqdn && is_internal_name(server.fqdn->ascii)) {
        names.push_back(server.fqdn->display);
        internal.push_back(server.fqdn->display);
      }
    }
    if (names.empty()) {
      continue;
    }
    // The namespace that serves this site: its own, or the one its users are proxied or
    // redirected through.
    std::string served;
    for (const auto& ns : t.namespaces) {
      if (ns.role == NamespaceRole::site && std::find(ns.sites.begin(), ns.sites.end(), site.name) != ns.sites.end()) {
        served = ns.fqdn.display;
        break;
      }
    }
    per_site.push_back(fmt::format("{} (site {}): https://{}/...", fmt::join(names, ", "), site.name,
                                   served.empty() ? std::string("<namespace>") : served));
  }
  if (!internal.empty()) {
    add(v, r06, Severity::info,
        fmt::format("Internal server names ({}) are not on any certificate. Use split DNS: create the external zone "
                    "internally (records with view \"internal\" below), and set every virtual directory's InternalUrl "
                    "and the SCP ({} -AutoDiscoverServiceInternalUri) of each server to its site's namespace: {}",
                    fmt::join(internal, ", "), v2013 ? "Set-ClientAccessService" : "Set-ClientAccessServer",
                    fmt::join(per_site, "; ")));
  }
}

} // namespace

extern const RuleDef r06{
    .info = {.id = "R6",
             .title = "Internal names",
             .text = "Server NetBIOS names, *.local and other names without a public suffix may not be on a publicly "
                     "trusted certificate. Only with authority enterprise or self-signed and include_internal_names "
                     "may they be planned; otherwise internal URLs use the external namespace through split DNS.",
             .sources = {"CA/B Forum BR 4.2.2 and 7.1.2.7.12", "BR (2012) 7.1.4.2.1: no such certificate valid after "
                         "2015-11-01"},
             .effective = {{"2015-11-01", "no publicly trusted certificate with an internal name is valid"}},
             .applies_to = {RuleTarget::topology, RuleTarget::planned_certificate, RuleTarget::issued_certificate,
                            RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
    .on_topology = on_topology,
    .same_for_certificate = true,
};

} // namespace certplan::rules
