// Certificate planning: strategies (R8), CN and SAN order (R7), name limits (R9), IP/SNI
// consequences (R12) and the Outlook Anywhere principal name (R16).
//
// R7 order, as documented in README ("Certificate plan"): the CN (the site namespace) first;
// then the autodiscover name of the primary SMTP domain; then the site's other external
// names in derivation order (other site namespaces of the group, legacy namespaces,
// provider autodiscover, server FQDNs, POP3/IMAP4/SMTP hosts); then the other SMTP domains'
// autodiscover names in topology order; then tenant autodiscover names in tenant order;
// then internal names (private authorities only).
#include "plan/plan_internal.hpp"
#include "rules/rule.hpp"

#include <certplan/cert_service.hpp>
#include <certplan/quote.hpp>

#include <fmt/format.h>
#include <tsl/robin_map.h>

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace certplan {
namespace {

std::string slug(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') {
    out.pop_back();
  }
  return out.empty() ? "cert" : out;
}

// A set of names that end up on one or more certificates bound together.
struct Group {
  std::string id;
  std::vector<const Namespace*> names; // R7 order
  std::string forest;
};

// R9: the names a split keeps on one certificate: a site's namespace and its autodiscover
// names (domain.md R9; white paper "Namespace planning").
bool is_core(const Namespace& n) {
  return n.role == NamespaceRole::site || n.role == NamespaceRole::autodiscover;
}

// R7: the CN (the first site namespace) first, then by rank; ties keep derivation order.
// `seq` gives a namespace's derivation index.
template <typename Seq>
void r7_sort(std::vector<const Namespace*>& names, const Seq& seq) {
  const Namespace* cn = nullptr;
  for (const auto* n : names) {
    if (n->rank == 0 && (cn == nullptr || seq(n) < seq(cn))) {
      cn = n;
    }
  }
  const auto key = [&](const Namespace* n) {
    // A second site namespace (multi-forest) ranks with the site's other names.
    return std::pair{n == cn ? -1 : (n->rank == 0 ? 2 : n->rank), seq(n)};
  };
  std::sort(names.begin(), names.end(), [&](const Namespace* a, const Namespace* b) { return key(a) < key(b); });
}

class Planner {
public:
  Planner(const Topology& topo, const std::vector<Namespace>& namespaces, const SupportedClients& clients,
          std::vector<Finding>& findings)
      : m_topo(topo), m_namespaces(namespaces), m_clients(clients), m_findings(findings),
        m_seq{namespaces.data()} {}

  std::vector<CertificatePlan> san();
  std::vector<CertificatePlan> wildcard();
  std::vector<CertificatePlan> single_name();
  void bind(std::vector<CertificatePlan>& certs) const;

private:
  std::vector<Group> groups() const;
  void emit_chunks(const Group& g, std::vector<CertificatePlan>& out, const std::string& wildcard_name = {});
  CertificatePlan make(const std::string& id, CertKind kind, std::vector<std::string> sans,
                       const std::vector<const Namespace*>& names, const std::string& forest) const;
  void fill_usage(CertificatePlan& c, const std::vector<const Namespace*>& names) const;

  const Topology& m_topo;
  const std::vector<Namespace>& m_namespaces;
  const SupportedClients& m_clients;
  std::vector<Finding>& m_findings;
  // Namespaces live in one vector, so the derivation index is the pointer's offset.
  struct Seq {
    const Namespace* base;
    std::size_t operator()(const Namespace* n) const { return static_cast<std::size_t>(n - base); }
  } m_seq;
  std::set<std::string> m_ids;

  // The certificate's name that publishes `service` as its own host (R5); else its CN.
  std::string host_for(const CertificatePlan& c, Service service) const {
    for (const auto& ns : m_namespaces) {
      if (ns.role == NamespaceRole::protocol && std::find(ns.services.begin(), ns.services.end(), service) != ns.services.end() &&
          std::find(c.sans.begin(), c.sans.end(), ns.fqdn.ascii) != c.sans.end()) {
        return ns.fqdn.ascii;
      }
    }
    return c.cn;
  }
};

std::vector<Group> Planner::groups() const {
  // R8: one certificate per site, per forest in multi-forest.
  std::vector<Group> out;
  const bool per_forest = m_topo.organization.model == Model::multi_forest;
  std::map<std::string, std::size_t> index;
  const auto group_of = [&](const std::string& key, const std::string& forest) -> Group& {
    const auto [it, fresh] = index.emplace(key, out.size());
    if (fresh) {
      out.push_back({slug(key), {}, forest});
    }
    return out[it->second];
  };
  // Groups in topology order of their first site.
  for (const auto& site : m_topo.sites) {
    if (site.internet_facing) {
      group_of(per_forest ? site.forest : site.name, site.forest);
    }
  }
  for (const auto& ns : m_namespaces) {
    if (!ns.on_certificate) {
      continue;
    }
    const auto& site = ns.site;
    const std::string key = per_forest ? ns.forest : site;
    group_of(key, ns.forest).names.push_back(&ns);
  }
  std::erase_if(out, [](const Group& g) { return g.names.empty(); });
  for (auto& g : out) {
    r7_sort(g.names, m_seq);
  }
  return out;
}

CertificatePlan Planner::make(const std::string& id, CertKind kind, std::vector<std::string> sans,
                              const std::vector<const Namespace*>& names, const std::string& forest) const {
  CertificatePlan c;
  std::string unique = id;
  for (int n = 2; m_ids.count(unique) != 0; ++n) {
    unique = fmt::format("{}-{}", id, n);
  }
  c.id = unique;
  c.kind = kind;
  c.cn = sans.front();
  c.sans = std::move(sans);
  c.subject = m_topo.certificates.subject;
  c.forest = forest;
  c.key = m_topo.certificates.key.to_string();
  c.authority = m_topo.certificates.authority;
  fill_usage(c, names);
  return c;
}

// Where a certificate binds follows from the names it serves: their sites and services.
void Planner::fill_usage(CertificatePlan& c, const std::vector<const Namespace*>& names) const {
  c.sites.clear();
  c.services.clear();
  std::set<Service> services;
  for (const auto* n : names) {
    for (const auto& s : n->sites) {
      if (std::find(c.sites.begin(), c.sites.end(), s) == c.sites.end()) {
        c.sites.push_back(s);
      }
    }
    services.insert(n->services.begin(), n->services.end());
  }
  // Exchange's -Services names, in Enable-ExchangeCertificate's order.
  const bool http = std::any_of(services.begin(), services.end(), [](Service s) { return is_http_service(s); });
  if (http) {
    c.services.emplace_back(exchange_label(CertService::iis));
  }
  for (const Service s : {Service::pop3, Service::imap4, Service::smtp, Service::um}) {
    if (services.count(s) != 0) {
      c.services.emplace_back(exchange_label(cert_service_of(s)));
    }
  }
  if (services.count(Service::outlook_anywhere) != 0) {
    c.principal_name = "msstd:" + c.cn; // R16
  }
}

void Planner::emit_chunks(const Group& g, std::vector<CertificatePlan>& out, const std::string& wildcard_name) {
  const std::size_t max = m_topo.certificates.max_names;
  const std::size_t reserved = wildcard_name.empty() ? 0 : 1;
  std::vector<std::vector<const Namespace*>> chunks;
  if (g.names.size() + reserved <= max) {
    chunks.push_back(g.names);
  } else {
    // R9: units that stay together: each site's names (its namespace with its autodiscover
    // names), then each tenant's names; packed in order, a unit split only if it alone
    // exceeds the limit.
    std::vector<std::vector<const Namespace*>> units;
    // A site's or a tenant's unit by its name, viewed in the namespaces: a hoster's group has a
    // unit per tenant, and a string key made and ordered per name was most of this (issue 18).
    using UnitIndex = tsl::robin_map<std::string_view, std::size_t>;
    UnitIndex site_unit, tenant_unit;
    for (const auto* n : g.names) {
      const bool site = n->tenant.empty();
      const auto [it, fresh] = (site ? site_unit : tenant_unit).try_emplace(site ? n->site : n->tenant, units.size());
      if (fresh) {
        units.emplace_back();
      }
      units[it->second].push_back(n);
    }
    std::stable_partition(units.begin(), units.end(), [](const auto& u) { return u.front()->tenant.empty(); });
    // R9: when a site's unit must be split, its namespace and autodiscover names are packed
    // first so they share a certificate; the other names (legacy, server, POP/IMAP/SMTP
    // hosts) are what moves on. Each certificate is R7-sorted again below.
    for (auto& unit : units) {
      std::stable_partition(unit.begin(), unit.end(), [](const Namespace* n) { return is_core(*n); });
    }
    std::vector<const Namespace*> current;
    std::size_t room = max - reserved;
    for (const auto& unit : units) {
      if (!current.empty() && unit.size() > room) {
        chunks.push_back(std::move(current));
        current.clear();
        room = max;
      }
      for (const auto* n : unit) {
        if (room == 0) {
          chunks.push_back(std::move(current));
          current.clear();
          room = max;
        }
        current.push_back(n);
        --room;
      }
    }
    if (!current.empty()) {
      chunks.push_back(std::move(current));
    }
  }
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    auto& chunk = chunks[i];
    r7_sort(chunk, m_seq);
    std::vector<std::string> sans;
    if (i == 0 && !wildcard_name.empty()) {
      sans.push_back(wildcard_name);
    }
    for (const auto* n : chunk) {
      sans.push_back(n->fqdn.ascii);
    }
    const std::string id = chunks.size() == 1 ? g.id : fmt::format("{}-{}", g.id, i + 1);
    auto c = make(id, i == 0 && !wildcard_name.empty() ? CertKind::wildcard : CertKind::san, std::move(sans), chunk,
                  g.forest);
    m_ids.insert(c.id);
    ids.push_back(c.id);
    out.push_back(std::move(c));
  }
  if (chunks.size() > 1) {
    // Say what was kept together, and where it could not be, exactly why (R9).
    std::map<std::string, std::set<std::size_t>> core_chunks; // site -> chunks holding its core names
    std::map<std::string, std::size_t> core_size;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      for (const auto* n : chunks[i]) {
        if (n->tenant.empty() && is_core(*n)) {
          core_chunks[n->site].insert(i);
          ++core_size[n->site];
        }
      }
    }
    std::vector<std::string> split;
    for (const auto& [site, in] : core_chunks) {
      if (in.size() > 1) {
        split.push_back(fmt::format("site {}'s namespace and autodiscover names are {}, more than the {} a "
                                    "certificate holds{}, so they span {}",
                                    site.empty() ? g.id : site, core_size[site], max - reserved,
                                    reserved != 0 ? " besides its wildcard name" : "",
                                    fmt::join(std::vector<std::string>(ids.begin() + static_cast<long>(*in.begin()),
                                                                       ids.begin() + static_cast<long>(*in.rbegin()) + 1),
                                              ", ")));
      }
    }
    m_findings.push_back(rules::finding(rules::r09, split.empty() ? Severity::info : Severity::warning,
                          fmt::format("{} needs {} names, more than max_names = {}: split into {} certificates ({}), "
                                      "{}; the ones after the first bind by SNI or on their own IP address (R12).",
                                      g.id, g.names.size() + reserved, max, chunks.size(), fmt::join(ids, ", "),
                                      split.empty() ? std::string("each site's namespace kept with its autodiscover names")
                                                    : fmt::format("{}", fmt::join(split, "; ")))));
  }
}

std::vector<CertificatePlan> Planner::san() {
  std::vector<CertificatePlan> out;
  for (const auto& g : groups()) {
    emit_chunks(g, out);
  }
  return out;
}

std::vector<CertificatePlan> Planner::wildcard() {
  // R8/R17: "*.zone" covers exactly one label under the zone. Sites whose namespaces share
  // a zone share one wildcard certificate; names it cannot cover (other zones, POP3/IMAP4
  // hosts, which R14 wants as explicit SANs, internal names) are explicit SANs on it.
  std::vector<std::pair<Group, std::string>> jobs; // (names, zone or "" for SAN)
  std::map<std::string, std::size_t> by_zone;
  for (auto& g : groups()) {
    const Namespace* cn = g.names.front();
    const std::string z = cn->rank == 0 ? parent_zone(cn->fqdn.ascii) : std::string();
    // No wildcard over a TLD or a private suffix (a public-suffix list would be stricter).
    if (label_count(z) < 2 || is_internal_name(z)) {
      m_findings.push_back(rules::finding(rules::r08, Severity::warning,
                            fmt::format("{}: {} has no parent zone a wildcard may cover; planned as a SAN "
                                        "certificate instead.",
                                        g.id, cn->fqdn.display)));
      jobs.emplace_back(std::move(g), "");
      continue;
    }
    const auto [it, fresh] = by_zone.emplace(g.forest + "|" + z, jobs.size());
    if (fresh) {
      jobs.emplace_back(Group{"wildcard-" + slug(z), {}, g.forest}, z);
    }
    auto& names = jobs[it->second].first.names;
    names.insert(names.end(), g.names.begin(), g.names.end());
  }
  std::vector<CertificatePlan> out;
  for (auto& [g, zone] : jobs) {
    if (zone.empty()) {
      emit_chunks(g, out);
      continue;
    }
    r7_sort(g.names, m_seq);
    Group explicit_names{g.id, {}, g.forest};
    for (const auto* n : g.names) {
      const bool protocol_only = std::all_of(n->services.begin(), n->services.end(), [](Service s) {
        return s == Service::pop3 || s == Service::imap4;
      });
      const bool covered = parent_zone(n->fqdn.ascii) == zone && !protocol_only && n->scope == Scope::external;
      if (!covered) {
        explicit_names.names.push_back(n);
      }
    }
    const std::size_t first = out.size();
    emit_chunks(explicit_names, out, "*." + zone);
    // The wildcard also serves the covered names: its sites and services come from all.
    fill_usage(out[first], g.names);
  }
  return out;
}

std::vector<CertificatePlan> Planner::single_name() {
  std::vector<CertificatePlan> out;
  for (const auto& g : groups()) {
    for (const auto* n : g.names) {
      auto c = make(n->fqdn.ascii, CertKind::single_name, {n->fqdn.ascii}, {n}, g.forest);
      m_ids.insert(c.id);
      out.push_back(std::move(c));
    }
  }
  return out;
}

// R12: one certificate per IP:443 for clients without SNI.
void Planner::bind(std::vector<CertificatePlan>& certs) const {
  const auto no_sni = m_clients.without_sni();
  std::vector<std::string> no_sni_ids;
  for (const auto* c : no_sni) {
    no_sni_ids.push_back(c->id);
  }
  // R12: a server that cannot select by SNI (Exchange 2007's IIS) hands every client the
  // address's certificate, whatever the client sends.
  const bool server_no_sni = rules::server_selects_by_sni(m_topo.organization.exchange) == Tri::no;
  if (server_no_sni && no_sni_ids.empty() && !m_clients.list.empty()) {
    no_sni_ids.emplace_back("every client (the server cannot select by SNI)");
  }
  std::map<std::string, std::vector<std::string>> iis_certs_at; // site -> cert ids on 443
  for (auto& c : certs) {
    std::vector<std::string> parts;
    const bool iis = std::find(c.services.begin(), c.services.end(), "IIS") != c.services.end();
    if (iis) {
      bool extra = false;
      for (const auto& s : c.sites) {
        auto& list = iis_certs_at[s];
        extra = extra || !list.empty();
        list.push_back(c.id);
      }
      if (!extra) {
        const bool redirect = std::any_of(c.sites.begin(), c.sites.end(),
                                          [&](const std::string& s) { return redirect_site_at(m_namespaces, s); });
        parts.push_back(fmt::format("IIS Default Web Site :443 at {}{}", fmt::join(c.sites, ", "),
                                    redirect ? " (primary IP only: the redirect web site holds the second)" : ""));
      } else if (!no_sni_ids.empty() || server_no_sni) {
        c.needs_own_ip = true;
        parts.push_back(fmt::format("IIS :443 on its own IP address at {} ({} send no SNI)", fmt::join(c.sites, ", "),
                                    fmt::join(no_sni_ids, ", ")));
      } else {
        parts.push_back(fmt::format("IIS :443 SNI binding (host names of this certificate) at {}",
                                    fmt::join(c.sites, ", ")));
      }
    }
    for (const auto& s : c.services) {
      if (s == "POP") {
        parts.emplace_back("POP3 (Set-PopSettings -X509CertificateName " + host_for(c, Service::pop3) + ")");
      } else if (s == "IMAP") {
        parts.emplace_back("IMAP4 (Set-ImapSettings -X509CertificateName " + host_for(c, Service::imap4) + ")");
      } else if (s == "SMTP") {
        parts.emplace_back("SMTP (receive connector FQDN " + host_for(c, Service::smtp) + ")");
      } else if (s == "UM") {
        parts.emplace_back("UM");
      }
    }
    c.binding = fmt::format("{}", fmt::join(parts, "; "));
  }
  // White paper "Using Redirection" (seed 000): the redirect web site listens on port 80 of
  // the second IP; "change the IP assignment for port 443 to the primary IP address" so that
  // nothing answers 443 there (the trace's "connection refused" assumes it).
  for (const auto& [site_name, ids] : iis_certs_at) {
    if (redirect_site_at(m_namespaces, site_name)) {
      const auto a = addresses(m_topo, site_name);
      m_findings.push_back(rules::finding(rules::r12, Severity::info,
           fmt::format("Site {}: the redirect web site answers port 80 on the second IP ({}); bind the Default Web "
                       "Site's port 443 to the primary IP ({}) only, not \"All Unassigned\", or {} is also "
                       "served there (white paper \"Using Redirection\").",
                       site_name, fmt::join(a.secondary, ", "), fmt::join(a.primary, ", "), ids.front())));
    }
  }
  if (no_sni_ids.empty() && !server_no_sni) {
    return;
  }
  for (const auto& [site_name, ids] : iis_certs_at) {
    if (ids.size() < 2) {
      continue;
    }
    // The redirect web site's address (port 80 only) is no certificate address (seed 000).
    const bool redirect = redirect_site_at(m_namespaces, site_name);
    std::size_t have = 0;
    for (const auto& site : m_topo.sites) {
      if (site.name != site_name) {
        continue;
      }
      for (const auto& server : site.servers) {
        if (server.has_role("client-access")) {
          have = std::max<std::size_t>(have, (server.ip.empty() ? 0 : 1) +
                                                 (server.secondary_ip.empty() || redirect ? 0 : 1));
        }
      }
    }
    m_findings.push_back(rules::finding(rules::r12, Severity::warning,
         fmt::format("Site {} serves {} certificates on port 443 ({}) and {} send no SNI: each client-access server "
                     "there needs {} IP addresses on 443, one per certificate{} (the topology lists {} for "
                     "certificates{}).",
                     site_name, ids.size(), fmt::join(ids, ", "), fmt::join(no_sni_ids, ", "), ids.size(),
                     redirect ? ", besides the redirect web site's on port 80" : "", have,
                     redirect ? "; its second IP is the redirect web site's" : "")));
  }
}

} // namespace

std::string exchange_command(const Topology& topo, const CertificatePlan& c) {
  // R7: emit both -SubjectName (CN, 2010+) and -DomainName in plan order (2007 takes the
  // first DomainName as CN). A wildcard may only appear in -SubjectName ([NEC]).
  // Each subject value is quoted twice (issue 13): as an X.500 string value, so a ',' or
  // '=' in it cannot add an RDN, then the whole name as a PowerShell literal by the template.
  const auto& s = c.subject;
  std::vector<std::string> dn;
  for (const auto& [k, v] : {std::pair{"C", &s.country}, std::pair{"S", &s.state}, std::pair{"L", &s.locality},
                             std::pair{"O", &s.organization}, std::pair{"OU", &s.unit}}) {
    if (!v->empty()) {
      dn.push_back(fmt::format("{}={}", k, quote::x500_value(*v)));
    }
  }
  dn.push_back("CN=" + quote::x500_value(c.cn));
  std::vector<std::string> domains;
  for (const auto& n : c.sans) {
    if (n.find('*') == std::string::npos) {
      domains.push_back(n);
    }
  }
  const auto& key = topo.certificates.key;
  const std::string name = [&] {
    // ECDSA first: New-ExchangeCertificate has no ECDSA key, self-signed or not (its
    // -KeySize is an RSA modulus length, {{int:keysize}}).
    if (key.algorithm == "ecdsa") {
      return "templates/exchange/ecdsa-request.ps1";
    }
    // R20: the cmdlet refuses any other modulus length (Microsoft, New-ExchangeCertificate).
    if (key.param != "1024" && key.param != "2048" && key.param != "4096") {
      return "templates/exchange/rsa-size-request.ps1";
    }
    if (c.authority == Authority::self_signed) {
      return "templates/exchange/new-self-signed.ps1";
    }
    return topo.organization.exchange == ExchangeVersion::v2007 ? "templates/exchange/request-2007.ps1"
                                                                 : "templates/exchange/request.ps1";
  }();
  return quote::expand_template(name, {{"subject", fmt::format("{}", fmt::join(dn, ", "))},
                                       {"domains", domains},
                                       {"keysize", key.param},
                                       {"path", "C:\\certreq\\" + c.id + ".req"},
                                       {"services", fmt::format("{}", fmt::join(c.services, ","))}});
}

bool SupportedClients::all_accept_wildcards() const {
  return std::all_of(list.begin(), list.end(), [](const ClientProfile* c) { return c->wildcard != WildcardSupport::none; });
}

std::vector<const ClientProfile*> SupportedClients::without_sni() const {
  std::vector<const ClientProfile*> out;
  for (const auto* c : list) {
    // R12/R13: unknown is not no; an unverified claim never buys an address.
    if (c->sni == Tri::no && c->uses_https()) {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<CertificatePlan> plan_certificates(const Topology& topo, const std::vector<Namespace>& namespaces,
                                               Strategy strategy, const SupportedClients& clients,
                                               std::vector<Finding>& findings) {
  std::vector<CertificatePlan> certs;
  switch (strategy) {
  case Strategy::san:
  case Strategy::auto_: {
    Planner p(topo, namespaces, clients, findings);
    certs = p.san();
    p.bind(certs);
    break;
  }
  case Strategy::wildcard: {
    Planner p(topo, namespaces, clients, findings);
    certs = p.wildcard();
    p.bind(certs);
    break;
  }
  case Strategy::single_name: {
    Planner p(topo, namespaces, clients, findings);
    certs = p.single_name();
    p.bind(certs);
    break;
  }
  }
  return certs;
}

} // namespace certplan
