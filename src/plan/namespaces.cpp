// Namespace derivation (R1-R6): which host names clients connect to, per model.
#include "plan/plan_internal.hpp"
#include "plan/tenant_records.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace certplan {
namespace {

class NamespaceList {
public:
  NamespaceList(std::vector<Namespace>& out, std::size_t expected)
      : m_out(out), m_index(expected, Hash{&out}, Equal{&out}) {
    m_out.reserve(expected);
  }

  // Adds `ns`, or merges its services and sites into an entry with the same name (a POP
  // and an IMAP host published on one name, say).
  void add(Namespace ns) {
    const auto it = m_index.find(std::string_view(ns.fqdn.ascii));
    if (it == m_index.end()) {
      m_out.push_back(std::move(ns));
      m_index.insert(m_out.size() - 1);
      return;
    }
    Namespace& have = m_out[*it];
    for (const Service s : ns.services) {
      if (std::find(have.services.begin(), have.services.end(), s) == have.services.end()) {
        have.services.push_back(s);
      }
    }
    std::sort(have.services.begin(), have.services.end());
    for (const auto& s : ns.sites) {
      if (std::find(have.sites.begin(), have.sites.end(), s) == have.sites.end()) {
        have.sites.push_back(s);
      }
    }
    have.rank = std::min(have.rank, ns.rank);
    have.on_certificate = have.on_certificate || ns.on_certificate;
  }

  bool contains(const std::string& ascii) const { return m_index.find(std::string_view(ascii)) != m_index.end(); }

private:
  // The index holds positions in `out` and hashes the names there: a hoster's plan has
  // 100,000s of names, so no second copy of each (and it survives `out` growing).
  struct Hash {
    using is_transparent = void;
    const std::vector<Namespace>* out;
    std::size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
    std::size_t operator()(std::size_t i) const { return (*this)((*out)[i].fqdn.ascii); }
  };
  struct Equal {
    using is_transparent = void;
    const std::vector<Namespace>* out;
    std::string_view name(std::string_view n) const { return n; }
    std::string_view name(std::size_t i) const { return (*out)[i].fqdn.ascii; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return name(a) == name(b);
    }
  };

  std::vector<Namespace>& m_out;
  std::unordered_set<std::size_t, Hash, Equal> m_index;
};

std::vector<Service> site_services(const Services& sv) {
  std::vector<Service> out;
  for (const Service s : k_all_services) {
    if (!sv.enabled(s)) {
      continue;
    }
    // Protocols published on their own host (R5) are not on the site namespace.
    if ((s == Service::pop3 && sv.pop3.host) || (s == Service::imap4 && sv.imap4.host) ||
        (s == Service::smtp && sv.smtp.host)) {
      continue;
    }
    out.push_back(s);
  }
  return out;
}

// A name served by one site (its sites list is that site alone).
Namespace served_by(const Site& site, HostName fqdn, std::vector<Service> services) {
  Namespace ns;
  ns.fqdn = std::move(fqdn);
  ns.services = std::move(services);
  ns.site = site.name;
  ns.sites = {site.name};
  ns.forest = site.forest;
  return ns;
}

HostName autodiscover_name(const HostName& domain) {
  return {"autodiscover." + domain.ascii, "autodiscover." + domain.display};
}

} // namespace

const Site* autodiscover_site(const Topology& topo, const std::string& forest) {
  for (const auto& s : topo.sites) {
    if (s.internet_facing && s.forest == forest) {
      return &s;
    }
  }
  return nullptr;
}

const Site& primary_site(const Topology& topo) {
  for (const auto& s : topo.sites) {
    if (s.internet_facing) {
      return s;
    }
  }
  return topo.sites.front();
}

std::vector<Namespace> derive_namespaces(const Topology& topo, bool with_tenants) {
  std::vector<Namespace> out;
  // A hoster's plan has a few names per tenant: room for them all up front.
  std::size_t expected = 16 + 4 * topo.sites.size();
  for (const auto& f : topo.forests) {
    expected += f.smtp_domains.size();
  }
  if (with_tenants) {
    for (const auto& t : topo.tenants) {
      expected += t.domains.size() + 1;
    }
  }
  NamespaceList list(out, expected);
  const Model model = topo.organization.model;
  const auto& sv = topo.services;
  const auto& cs = topo.certificates;
  const bool internal_ok = cs.include_internal_names; // loader allows it only for private authorities

  // R1/R3: the site namespaces.
  for (const auto& site : topo.sites) {
    if (!site.internet_facing) {
      continue;
    }
    Namespace ns;
    ns.fqdn = *site.ns;
    ns.services = site_services(sv);
    ns.site = site.name;
    ns.forest = site.forest;
    ns.role = NamespaceRole::site;
    ns.rank = 0;
    if (model == Model::proxy_sites) {
      // R3: users of the other sites are proxied through this one; no extra names.
      for (const auto& other : topo.sites) {
        if (other.forest == site.forest) {
          ns.sites.push_back(other.name);
        }
      }
    } else if (model == Model::multisite_single_namespace) {
      for (const auto& other : topo.sites) {
        if (other.internet_facing) {
          ns.sites.push_back(other.name);
        }
      }
      ns.site = primary_site(topo).name;
    } else {
      ns.sites = {site.name};
    }
    list.add(std::move(ns));
  }

  // R2: autodiscover per SMTP domain, on the forest's first internet-facing site.
  if (sv.autodiscover) {
    for (const auto& f : topo.forests) {
      const Site* ad_site = autodiscover_site(topo, f.name);
      if (ad_site == nullptr) {
        continue;
      }
      for (std::size_t i = 0; i < f.smtp_domains.size(); ++i) {
        if (cs.autodiscover == AutodiscoverMethod::srv) {
          continue; // SRV points at the site namespace: no extra name (R2)
        }
        Namespace ns = served_by(*ad_site, autodiscover_name(f.smtp_domains[i]), {Service::autodiscover});
        ns.role = cs.autodiscover == AutodiscoverMethod::san ? NamespaceRole::autodiscover : NamespaceRole::autodiscover_redirect;
        ns.on_certificate = cs.autodiscover == AutodiscoverMethod::san;
        ns.rank = i == 0 ? 1 : 3;
        list.add(std::move(ns));
      }
    }
  }

  const Site& first = primary_site(topo);

  // R4: legacy namespaces go on their site's certificate.
  for (const auto& site : topo.sites) {
    if (site.legacy_ns) {
      Namespace ns = served_by(site, *site.legacy_ns, site_services(sv));
      ns.role = NamespaceRole::legacy;
      list.add(std::move(ns));
    }
  }

  // Hosted (R3, seed 000): the provider's autodiscover name, target of every tenant's
  // redirect, SRV record or CNAME.
  if (topo.hosting) {
    Namespace ns = served_by(first, autodiscover_name(topo.hosting->provider_domain), {Service::autodiscover});
    ns.role = NamespaceRole::autodiscover;
    ns.rank = 1;
    list.add(std::move(ns));
  }

  // Server FQDNs (extension include_server_fqdn; seed 000 puts EX01.PROVIDER.COM on).
  if (cs.include_server_fqdn) {
    for (const auto& site : topo.sites) {
      if (!site.internet_facing) {
        continue;
      }
      for (const auto& server : site.servers) {
        if (!server.fqdn || !server.has_role("client-access")) {
          continue;
        }
        const bool internal = is_internal_name(server.fqdn->ascii);
        if (internal && !internal_ok) {
          // R6: stays off the certificate (the registry says why).
          continue;
        }
        Namespace ns = served_by(site, *server.fqdn, site_services(sv));
        ns.role = NamespaceRole::server;
        ns.scope = internal ? Scope::internal : Scope::external;
        ns.rank = internal ? 5 : 2;
        list.add(std::move(ns));
      }
    }
  }

  // R5: protocols on their own host, on the primary site's certificate.
  for (const auto& [service, proto] : {std::pair{Service::pop3, &sv.pop3}, std::pair{Service::imap4, &sv.imap4},
                                       std::pair{Service::smtp, &sv.smtp}}) {
    if (proto->enabled && proto->host) {
      Namespace ns = served_by(first, *proto->host, {service});
      ns.role = NamespaceRole::protocol;
      list.add(std::move(ns));
    }
  }

  // Hosted tenants (R2, seeds 000 and 002).
  if (topo.hosting) {
    const auto& h = *topo.hosting;
    if (h.autodiscover == AutodiscoverMethod::redirect && h.redirect_host) {
      Namespace ns = served_by(first, *h.redirect_host, {Service::autodiscover});
      ns.role = NamespaceRole::redirect;
      ns.on_certificate = false; // HTTP only: it answers with a 302 (seed 002)
      list.add(std::move(ns));
    }
    const bool any_webmail =
        std::any_of(topo.tenants.begin(), topo.tenants.end(), [](const Tenant& t) { return t.webmail.has_value(); });
    if (h.webmail_redirect_host && any_webmail) {
      Namespace ns = served_by(first, *h.webmail_redirect_host, {Service::owa});
      ns.role = NamespaceRole::redirect;
      ns.on_certificate = false;
      list.add(std::move(ns));
    }
    if (with_tenants) {
      const TenantContext context = tenant_context(topo, nullptr);
      Namespace scratch;
      for (const auto& t : topo.tenants) {
        tenant_namespaces(context, t, scratch, [&](const Namespace& ns) { list.add(ns); });
      }
    }
  }

  // R6: internal names, only for private authorities that asked for them.
  if (internal_ok) {
    for (const auto& site : topo.sites) {
      for (const auto& server : site.servers) {
        if (!server.has_role("client-access")) {
          continue;
        }
        std::vector<std::pair<HostName, NamespaceRole>> names;
        if (server.fqdn) {
          names.emplace_back(*server.fqdn, NamespaceRole::server);
        }
        std::string why;
        if (auto nb = normalize_host(server.name, why)) {
          names.emplace_back(*nb, NamespaceRole::netbios);
        }
        for (const auto& [n, role] : names) {
          if (list.contains(n.ascii)) {
            continue;
          }
          Namespace ns = served_by(site, n, site_services(sv));
          ns.role = role;
          ns.scope = Scope::internal;
          ns.rank = 5;
          list.add(std::move(ns));
        }
      }
    }
  }
  return out;
}

} // namespace certplan
