// DNS records: what the external zone (and, for split DNS, the internal copy of it) must
// hold for the planned namespaces (R1-R6; seed 000's A/CNAME layout).
#include "plan/plan_internal.hpp"

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
namespace {

class Zones {
public:
  explicit Zones(const Topology& topo) {
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
  }

  // The longest known domain the name is in; else its parent (the registrable part is
  // unknown without a public-suffix list).
  std::string zone_of(std::string_view name) const {
    for (std::string_view rest = name;;) {
      if (m_domains.find(rest) != m_domains.end()) { // no string made per lookup
        return std::string(rest);
      }
      const auto dot = rest.find('.');
      if (dot == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(dot + 1);
    }
    const std::string parent = parent_zone(name);
    return label_count(parent) >= 2 ? parent : std::string(name);
  }

private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> m_domains; // a hoster's plan has 100,000s
};

} // namespace

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

// RFC 2181 §10.3: the target of an MX record must not be an alias (a CNAME). Follow the
// plan's own CNAMEs, in the MX's view, to the name that holds the A/AAAA records.
void mx_to_address_names(std::vector<DnsRecord>& records) {
  // (view, name) -> target, as views into the CNAME records (only MX records change below).
  std::map<std::string_view, std::unordered_map<std::string_view, std::string_view>> alias;
  std::size_t aliases = 0;
  for (const auto& r : records) {
    if (r.type == "CNAME") {
      std::string_view target = r.value;
      if (target.ends_with('.')) {
        target.remove_suffix(1);
      }
      aliases += alias[r.view].emplace(r.name, target).second ? 1 : 0;
    }
  }
  for (auto& r : records) {
    if (r.type != "MX") {
      continue;
    }
    const auto in_view = alias.find(r.view);
    const auto space = r.value.find(' ');
    std::string_view target = std::string_view(r.value).substr(space + 1);
    if (target.ends_with('.')) {
      target.remove_suffix(1);
    }
    const std::string_view original_view = target;
    // A CNAME chain is at most as long as there are CNAMEs; the bound also stops a loop.
    for (std::size_t hops = 0; in_view != alias.end() && hops <= aliases; ++hops) {
      const auto it = in_view->second.find(target);
      if (it == in_view->second.end()) {
        break;
      }
      target = it->second;
    }
    if (target != original_view) {
      const std::string preference = r.value.substr(0, space);
      const std::string original(original_view);
      r.value = fmt::format("{} {}", preference, fqdn_dot(target));
      r.note += fmt::format("; names {}, not the alias {} (an MX never points at a CNAME, RFC 2181 10.3)", target,
                            original);
    }
  }
}

} // namespace

std::vector<DnsRecord> plan_tenant_dns(const Topology& topo) {
  std::vector<DnsRecord> out;
  if (!topo.hosting) {
    return out;
  }
  const Zones zones(topo);
  const auto add = [&](std::string name, std::string type, std::string value, std::string view, std::string note) {
    if (type == "A") {
      type = address_type(value);
    }
    std::string zone = zones.zone_of(name.starts_with("_autodiscover._tcp.") ? name.substr(19) : name);
    out.push_back({std::move(name), std::move(type), std::move(value), std::move(zone), std::move(view), std::move(note)});
  };
  const Site& first = primary_site(topo);
  const std::string mx_host = topo.services.smtp.host ? topo.services.smtp.host->ascii : first.ns->ascii;
  std::size_t count = 0;
  for (const auto& t : topo.tenants) {
    count += 2 * t.domains.size() + (t.webmail ? 1 : 0);
  }
  out.reserve(count + 256); // and room for the provider's records in front (plan_dns)
  if (topo.hosting) {
    const auto& h = *topo.hosting;
    const std::string provider_ad = "autodiscover." + h.provider_domain.ascii;
    for (const auto& t : topo.tenants) {
      for (const auto& d : t.domains) {
        switch (h.autodiscover) {
        case AutodiscoverMethod::redirect:
          add("autodiscover." + d.ascii, "CNAME", fqdn_dot(h.redirect_host->ascii), "external",
              fmt::format("tenant {}: to the HTTP redirect site (seed 002)", t.name));
          break;
        case AutodiscoverMethod::srv:
          add("_autodiscover._tcp." + d.ascii, "SRV", fmt::format("0 0 443 {}", fqdn_dot(provider_ad)), "external",
              fmt::format("tenant {}: SRV to the provider's autodiscover (R2)", t.name));
          break;
        case AutodiscoverMethod::san:
          add("autodiscover." + d.ascii, "CNAME", fqdn_dot(provider_ad), "external",
              fmt::format("tenant {}: name is on the provider certificate (R2)", t.name));
          break;
        }
        add(d.ascii, "MX", fmt::format("10 {}", fqdn_dot(mx_host)), "external", fmt::format("tenant {}: inbound mail", t.name));
      }
      if (t.webmail) {
        add(t.webmail->ascii, "CNAME", fqdn_dot(h.webmail_redirect_host->ascii), "external",
            fmt::format("tenant {}: vanity webmail, http:// only (seed 000)", t.name));
      }
    }
  }

  return out;
}

std::vector<DnsRecord> plan_dns(const Topology& topo, const std::vector<Namespace>& namespaces,
                                const std::vector<CertificatePlan>& certificates) {
  return plan_dns(topo, namespaces, certificates, plan_tenant_dns(topo));
}

std::vector<DnsRecord> plan_dns(const Topology& topo, const std::vector<Namespace>& namespaces,
                                const std::vector<CertificatePlan>& certificates, std::vector<DnsRecord> tenant_records) {
  const Zones zones(topo);
  std::vector<DnsRecord> out;

  const auto add = [&](std::string name, std::string type, std::string value, std::string view, std::string note) {
    if (type == "A") {
      type = address_type(value);
    }
    std::string zone = zones.zone_of(name.starts_with("_autodiscover._tcp.") ? name.substr(19) : name);
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
  mx_to_address_names(out);
  return out;
}

} // namespace certplan
