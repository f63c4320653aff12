// DNS records: what the external zone (and, for split DNS, the internal copy of it) must
// hold for the planned namespaces (R1-R6; seed 000's A/CNAME layout).
#include "plan/plan_internal.hpp"
#include "plan/tenant_records.hpp"
#include "util/name_set.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <iterator>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace certplan {
// Every domain the topology names (the forests' SMTP domains, the provider's, the tenants'),
// as views into the topology: a hoster's plan has 100,000s, indexed once (plan_tenant_dns
// builds it; plan_dns reuses it) and without a copy of each.
class ZoneIndex {
public:
  explicit ZoneIndex(const Topology& topo) {
    m_domains.reserve(16 + 2 * topo.tenants.size());
    for (const auto& f : topo.forests) {
      for (const auto& d : f.smtp_domains) {
        m_domains.insert(d.ascii);
      }
    }
    if (topo.hosting) {
      m_domains.insert(topo.hosting->provider_domain.ascii);
    }
    for (const auto& t : topo.tenants) {
      for (const auto& d : t.domains) {
        m_domains.insert(d.ascii);
      }
    }
    m_autodiscover_domain = std::any_of(m_domains.begin(), m_domains.end(),
                                        [](std::string_view d) { return d.starts_with("autodiscover."); });
  }

  // zone_of("autodiscover." + domain) for a domain the index holds (a tenant's), without the
  // lookups: the domain itself, unless autodiscover.<domain> is a domain of its own, which
  // cannot be when no domain starts so.
  void zone_of_autodiscover(const std::string& domain, std::string& out) const {
    if (m_autodiscover_domain) {
      zone_of("autodiscover." + domain, out);
    } else {
      out.assign(domain);
    }
  }

  // The longest known domain the name is in; else its parent (the registrable part is
  // unknown without a public-suffix list). Written into `out`, whose capacity is reused.
  void zone_of(std::string_view name, std::string& out) const {
    for (std::string_view rest = name;;) {
      if (m_domains.find(rest) != m_domains.end()) {
        out.assign(rest);
        return;
      }
      const auto dot = rest.find('.');
      if (dot == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(dot + 1);
    }
    const std::string parent = parent_zone(name);
    out.assign(label_count(parent) >= 2 ? std::string_view(parent) : name);
  }
  std::string zone_of(std::string_view name) const {
    std::string out;
    zone_of(name, out);
    return out;
  }

private:
  util::NameSet m_domains;
  bool m_autodiscover_domain = false;
};

Addresses addresses(const Topology& topo, const std::string& site_name) {
  Addresses a;
  for (const auto& site : topo.sites) {
    if (site.name != site_name) {
      continue;
    }
    for (const auto& s : site.servers) {
      if (!s.has_role("client-access")) {
        continue;
      }
      if (!s.ip.empty()) {
        a.primary.push_back(s.ip);
      }
      if (!s.secondary_ip.empty()) {
        a.secondary.push_back(s.secondary_ip);
      }
    }
  }
  if (a.primary.empty()) {
    a.primary.push_back(fmt::format("<IP of site {}>", site_name));
  }
  if (a.secondary.empty()) {
    a.secondary.push_back(fmt::format("<second IP of site {}>", site_name));
  }
  return a;
}

bool redirect_site_at(const std::vector<Namespace>& namespaces, const std::string& site_name) {
  return std::any_of(namespaces.begin(), namespaces.end(), [&](const Namespace& n) {
    return n.site == site_name && (n.role == NamespaceRole::redirect || n.role == NamespaceRole::autodiscover_redirect);
  });
}

std::vector<std::string> own_addresses(const Topology& topo, const std::vector<Namespace>& namespaces,
                                       const std::string& site_name, std::size_t index) {
  // The redirect web site holds the second IP (seed 000; white paper "Using Redirection").
  const std::size_t n = index + (redirect_site_at(namespaces, site_name) ? 1 : 0);
  const auto a = addresses(topo, site_name);
  if (n == 0) {
    return a.secondary; // the servers' secondary_ip, or "<second IP of site X>"
  }
  static constexpr const char* k_ordinal[] = {"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"};
  return {n < std::size(k_ordinal) ? fmt::format("<{} IP of site {}>", k_ordinal[n], site_name)
                                   : fmt::format("<IP {} of site {}>", n + 2, site_name)};
}

namespace {

std::string fqdn_dot(std::string_view name) { return std::string(name) + "."; }

// RFC 3596: an IPv6 address is published in an AAAA record; an A record holds IPv4 only.
// Placeholders ("<IP of site X>") stay A: the topology gave no address to tell.
std::string address_type(const std::string& value) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, value.c_str(), buf) == 1 ? "AAAA" : "A";
}

// R12: a certificate bound on its own IP is met without SNI only by the names DNS sends to
// that IP, so each of its names resolves there (in both views) instead of to the site's first
// address or as an alias of the namespace. Legacy names stay: they point at other servers.
void own_ip_names(const Topology& topo, const std::vector<Namespace>& namespaces,
                  const std::vector<CertificatePlan>& certificates, std::vector<DnsRecord>& records) {
  std::map<std::string, std::size_t> seen; // site -> own-IP certificates so far
  for (const auto& c : certificates) {
    if (!c.needs_own_ip) {
      continue;
    }
    std::vector<std::pair<std::string, std::string>> ips; // (site, address)
    for (const auto& site : c.sites) {
      for (auto& ip : own_addresses(topo, namespaces, site, seen[site]++)) {
        ips.emplace_back(site, std::move(ip));
      }
    }
    for (const auto& name : c.sans) {
      const auto ns = std::find_if(namespaces.begin(), namespaces.end(),
                                   [&](const Namespace& n) { return n.fqdn.ascii == name; });
      if (ns == namespaces.end() || ns->role == NamespaceRole::legacy) {
        continue;
      }
      for (const char* view : {"external", "internal"}) {
        const auto is_address = [&](const DnsRecord& r) {
          return r.name == name && r.view == view && (r.type == "A" || r.type == "AAAA" || r.type == "CNAME");
        };
        const auto first = std::find_if(records.begin(), records.end(), is_address);
        if (first == records.end()) {
          continue; // not published in this view
        }
        const std::string zone = first->zone;
        const auto at = std::distance(records.begin(), first);
        std::erase_if(records, is_address);
        std::vector<DnsRecord> mine;
        for (const auto& [site, ip] : ips) {
          mine.push_back({name, address_type(ip), ip, zone, view,
                          fmt::format("certificate {} on its own IP at site {} (R12: a client without SNI meets "
                                      "the certificate of the address it connects to)",
                                      c.id, site)});
        }
        records.insert(records.begin() + at, mine.begin(), mine.end());
      }
    }
  }
}

std::string_view without_final_dot(std::string_view name) {
  if (name.ends_with('.')) {
    name.remove_suffix(1);
  }
  return name;
}

// (view, name) -> the target of its CNAME (the first one the records list), as views into the
// records (only MX records change below).
struct ViewName {
  std::string_view view, name;
  bool operator==(const ViewName&) const = default;
};
struct ViewNameHash {
  std::size_t operator()(const ViewName& k) const {
    const std::hash<std::string_view> h;
    return h(k.name) ^ (h(k.view) * 31);
  }
};
using Aliases = std::unordered_map<ViewName, std::string_view, ViewNameHash>;

// Every CNAME of the records.
Aliases all_aliases(const std::vector<DnsRecord>& records) {
  Aliases alias;
  for (const auto& r : records) {
    if (r.type == "CNAME") {
      alias.emplace(ViewName{r.view, r.name}, without_final_dot(r.value));
    }
  }
  return alias;
}

// Only the CNAMEs an MX target's chain can reach, each the first the records list for its
// name, as all_aliases has them: a hoster's plan has a CNAME or two per tenant but an MX host
// or two in all, so indexing every CNAME would cost more than all the lookups.
Aliases reachable_aliases(const std::vector<DnsRecord>& records, std::vector<ViewName> wanted) {
  Aliases alias;
  std::unordered_set<ViewName, ViewNameHash> asked(wanted.begin(), wanted.end());
  while (!wanted.empty()) {
    // One pass per hop: the names a pass finds are asked in the next, from the first record,
    // so a name's first CNAME is the one kept.
    const std::unordered_set<ViewName, ViewNameHash> now(wanted.begin(), wanted.end());
    wanted.clear();
    for (const auto& r : records) {
      if (r.type != "CNAME") {
        continue;
      }
      const ViewName k{r.view, r.name};
      if (now.count(k) == 0 || alias.count(k) != 0) {
        continue;
      }
      const auto target = without_final_dot(r.value);
      alias.emplace(k, target);
      if (asked.insert({r.view, target}).second) {
        wanted.push_back({r.view, target});
      }
    }
  }
  return alias;
}

// Where `target` ends after at most bound + 1 hops (a CNAME chain is at most as long as there
// are CNAMEs; the bound also stops a loop); `hops` says how many it took.
std::string_view follow(const Aliases& alias, std::string_view view, std::string_view target, std::size_t bound,
                        std::size_t& hops) {
  for (hops = 0; hops <= bound; ++hops) {
    const auto it = alias.find({view, target});
    if (it == alias.end()) {
      break;
    }
    target = it->second;
  }
  return target;
}

// RFC 2181 §10.3: the target of an MX record must not be an alias (a CNAME). Follow the
// plan's own CNAMEs, in the MX's view, to the name that holds the A/AAAA records.
// True when a chain loops, so that every CNAME was indexed.
bool mx_to_address_names(std::vector<DnsRecord>& records) {
  const auto mx_target = [](const DnsRecord& r) {
    return without_final_dot(std::string_view(r.value).substr(r.value.find(' ') + 1));
  };
  std::vector<ViewName> targets;
  std::unordered_set<ViewName, ViewNameHash> seen;
  for (const auto& r : records) {
    if (r.type == "MX" && seen.insert({r.view, mx_target(r)}).second) {
      targets.push_back({r.view, mx_target(r)});
    }
  }
  if (targets.empty()) {
    return false;
  }
  Aliases alias = reachable_aliases(records, targets);
  std::size_t bound = alias.size();
  bool indexed_all = false;
  // A chain that does not end within the CNAMEs it can reach loops; where a loop stops then
  // depends on how many CNAMEs there are in all, so those are all indexed.
  for (const auto& t : targets) {
    std::size_t hops = 0;
    follow(alias, t.view, t.name, bound, hops);
    if (hops > bound) {
      alias = all_aliases(records);
      bound = alias.size();
      indexed_all = true;
      break;
    }
  }
  for (auto& r : records) {
    if (r.type != "MX") {
      continue;
    }
    const std::string_view original_view = mx_target(r);
    std::size_t hops = 0;
    const std::string_view target = follow(alias, r.view, original_view, bound, hops);
    if (target != original_view) {
      const std::string preference = r.value.substr(0, r.value.find(' '));
      const std::string original(original_view);
      r.value = fmt::format("{} {}", preference, fqdn_dot(target));
      r.note += fmt::format("; names {}, not the alias {} (an MX never points at a CNAME, RFC 2181 10.3)", target,
                            original);
    }
  }
  return indexed_all;
}

} // namespace

std::shared_ptr<const ZoneIndex> zone_index(const Topology& topo) { return std::make_shared<const ZoneIndex>(topo); }

void TenantContext::zone_of(std::string_view name, std::string& out) const { zones->zone_of(name, out); }
void TenantContext::zone_of_autodiscover(const std::string& domain, std::string& out) const {
  zones->zone_of_autodiscover(domain, out);
}

TenantContext tenant_context(const Topology& topo, std::shared_ptr<const ZoneIndex> zones) {
  TenantContext c;
  const auto& h = *topo.hosting;
  const Site& first = primary_site(topo);
  c.method = h.autodiscover;
  c.site = first.name;
  c.forest = first.forest;
  const std::string mx_host = topo.services.smtp.host ? topo.services.smtp.host->ascii : first.ns->ascii;
  const std::string provider_ad = "autodiscover." + h.provider_domain.ascii;
  c.autodiscover_value = h.autodiscover == AutodiscoverMethod::redirect ? fqdn_dot(h.redirect_host->ascii)
                         : h.autodiscover == AutodiscoverMethod::srv     ? fmt::format("0 0 443 {}", fqdn_dot(provider_ad))
                                                                         : fqdn_dot(provider_ad);
  c.mx_value = fmt::format("10 {}", fqdn_dot(mx_host));
  c.webmail_value = h.webmail_redirect_host ? fqdn_dot(h.webmail_redirect_host->ascii) : std::string();
  c.zones = std::move(zones);
  return c;
}

TenantDns plan_tenant_dns(const Topology& topo) {
  TenantDns result;
  if (!topo.hosting) {
    return result;
  }
  result.zones = zone_index(topo);
  const TenantContext context = tenant_context(topo, result.zones);
  auto& out = result.records;
  std::size_t count = 0;
  for (const auto& t : topo.tenants) {
    count += tenant_dns_count(t);
  }
  out.reserve(count + 256); // and room for the provider's records in front (plan_dns)
  DnsRecord scratch;
  for (const auto& t : topo.tenants) {
    tenant_dns(context, t, scratch, [&](const DnsRecord& r) { out.push_back(r); });
  }
  return result;
}

std::vector<DnsRecord> plan_dns(const Topology& topo, const std::vector<Namespace>& namespaces,
                                const std::vector<CertificatePlan>& certificates) {
  return plan_dns(topo, namespaces, certificates, plan_tenant_dns(topo));
}

std::vector<DnsRecord> plan_dns(const Topology& topo, const std::vector<Namespace>& namespaces,
                                const std::vector<CertificatePlan>& certificates, TenantDns tenants, bool* all_cnames) {
  const auto zones = tenants.zones ? tenants.zones : std::make_shared<const ZoneIndex>(topo);
  auto& tenant_records = tenants.records;
  std::vector<DnsRecord> out;

  const auto add = [&](std::string name, std::string type, std::string value, std::string view, std::string note) {
    if (type == "A") {
      type = address_type(value);
    }
    std::string zone = zones->zone_of(name.starts_with("_autodiscover._tcp.") ? name.substr(19) : name);
    out.push_back({std::move(name), std::move(type), std::move(value), std::move(zone), std::move(view), std::move(note)});
  };
  const Site& first = primary_site(topo);
  const auto ns_of_site = [&](const std::string& site) -> std::string {
    for (const auto& s : topo.sites) {
      if (s.name == site && s.ns) {
        return s.ns->ascii;
      }
    }
    return first.ns->ascii;
  };

  // Provider-side and organisation names.
  for (const auto& ns : namespaces) {
    if (!ns.tenant.empty() || ns.scope == Scope::internal) {
      continue;
    }
    const auto addr = addresses(topo, ns.site);
    const std::string& name = ns.fqdn.ascii;
    if (ns.role == NamespaceRole::site) {
      // multisite-single-namespace: every internet-facing site answers (load balanced).
      for (const auto& site : ns.sites) {
        const bool facing = std::any_of(topo.sites.begin(), topo.sites.end(),
                                        [&](const Site& s) { return s.name == site && s.internet_facing; });
        if (!facing) {
          continue;
        }
        for (const auto& ip : addresses(topo, site).primary) {
          add(name, "A", ip, "external", "namespace of site " + site);
        }
      }
    } else if (ns.role == NamespaceRole::legacy) {
      add(name, "A", fmt::format("<IP of the legacy Exchange servers of site {}>", ns.site), "external",
          "legacy namespace (R4)");
    } else if (ns.role == NamespaceRole::autodiscover && topo.hosting && name == "autodiscover." + topo.hosting->provider_domain.ascii) {
      for (const auto& ip : addr.primary) {
        add(name, "A", ip, "external", "provider autodiscover (seed 000)");
      }
    } else if (ns.role == NamespaceRole::autodiscover) {
      add(name, "CNAME", fqdn_dot(ns_of_site(ns.site)), "external", "autodiscover on the certificate (R2)");
    } else if (ns.role == NamespaceRole::autodiscover_redirect) {
      for (const auto& ip : addr.secondary) {
        add(name, "A", ip, "external", "HTTP-only redirect site, nothing on 443 (R2, white paper)");
      }
    } else if (ns.role == NamespaceRole::redirect) {
      for (const auto& ip : addr.secondary) {
        add(name, "A", ip, "external", "redirect web site on the second IP (seed 000)");
      }
    } else if (ns.role == NamespaceRole::server) {
      const auto& site = *std::find_if(topo.sites.begin(), topo.sites.end(), [&](const Site& s) { return s.name == ns.site; });
      for (const auto& server : site.servers) {
        if (server.fqdn && server.fqdn->ascii == name) {
          add(name, "A", server.ip.empty() ? fmt::format("<IP of {}>", server.name) : server.ip, "external",
              "server FQDN");
        }
      }
    } else if (ns.role == NamespaceRole::protocol) {
      add(name, "CNAME", fqdn_dot(ns_of_site(ns.site)), "external",
          fmt::format("{} host (R5)", to_string(ns.services.front())));
    }
  }

  // R2 with SRV: the record points at the namespace on the certificate.
  if (topo.services.autodiscover && topo.certificates.autodiscover == AutodiscoverMethod::srv) {
    for (const auto& f : topo.forests) {
      if (const Site* s = autodiscover_site(topo, f.name)) {
        for (const auto& d : f.smtp_domains) {
          if (topo.hosting && d == topo.hosting->provider_domain) {
            continue; // the provider's own autodiscover name is on the certificate
          }
          add("_autodiscover._tcp." + d.ascii, "SRV", fmt::format("0 0 443 {}", fqdn_dot(s->ns->ascii)), "external",
              "autodiscover SRV (R2; Outlook 2007 needs KB940881)");
        }
      }
    }
  }

  // Inbound mail for the accepted domains.
  const std::string mx_host = topo.services.smtp.host ? topo.services.smtp.host->ascii : first.ns->ascii;
  for (const auto& f : topo.forests) {
    const Site* s = autodiscover_site(topo, f.name);
    const std::string host = topo.services.smtp.host || s == nullptr ? mx_host : s->ns->ascii;
    for (const auto& d : f.smtp_domains) {
      add(d.ascii, "MX", fmt::format("10 {}", fqdn_dot(host)), "external",
          "inbound mail (point it at your mail hygiene service if one receives first)");
    }
  }

  // Hosted tenants (seeds 000, 002): made apart (make_plan makes them on another core). The
  // records so far go in front of them, in the room plan_tenant_dns left, rather than all of
  // them into a second array.
  if (tenant_records.capacity() - tenant_records.size() >= out.size()) {
    tenant_records.insert(tenant_records.begin(), std::make_move_iterator(out.begin()),
                          std::make_move_iterator(out.end()));
    out = std::move(tenant_records);
  } else {
    out.insert(out.end(), std::make_move_iterator(tenant_records.begin()), std::make_move_iterator(tenant_records.end()));
  }

  // Split DNS (R6): the external names resolve inside to the client-access servers, so
  // InternalUrl and the SCP can use them. Tenants' zones are theirs, not the provider's.
  if (topo.organization.model != Model::hosted) {
    for (const auto& ns : namespaces) {
      if (ns.scope != Scope::external || !ns.on_certificate) {
        continue;
      }
      if (ns.role == NamespaceRole::site) {
        for (const auto& ip : addresses(topo, ns.site).primary) {
          add(ns.fqdn.ascii, "A", ip, "internal", "split DNS: internal clients use the external name (R6)");
        }
      } else if (ns.role == NamespaceRole::autodiscover || ns.role == NamespaceRole::protocol) {
        add(ns.fqdn.ascii, "CNAME", fqdn_dot(ns_of_site(ns.site)), "internal", "split DNS (R6)");
      }
    }
  }
  own_ip_names(topo, namespaces, certificates, out);
  const bool indexed_all = mx_to_address_names(out);
  if (all_cnames != nullptr) {
    *all_cnames = indexed_all;
  }
  return out;
}

} // namespace certplan
