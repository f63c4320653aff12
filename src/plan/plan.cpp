// make_plan: topology -> namespaces -> certificates -> DNS -> client consequences.
#include "plan/plan_internal.hpp"
#include "plan/tenant_records.hpp"
#include "rules/rule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <iterator>
#include <optional>
#include <string_view>
#include <unordered_set>

namespace certplan {

std::string_view to_string(Scope s) { return s == Scope::external ? "external" : "internal"; }

std::string_view to_string(CertKind k) {
  switch (k) {
  case CertKind::san: return "san";
  case CertKind::wildcard: return "wildcard";
  case CertKind::single_name: return "single-name";
  }
  return "?";
}

std::string_view to_string(Severity s) {
  switch (s) {
  case Severity::info: return "info";
  case Severity::warning: return "warning";
  case Severity::failure: return "failure";
  }
  return "?";
}

unsigned planned_port(Service s) {
  return s == Service::imap4 ? 993 : s == Service::pop3 ? 995 : s == Service::smtp ? 25 : 443;
}

std::vector<PlannedEndpoint> planned_endpoints(const Plan& plan) {
  std::vector<PlannedEndpoint> out;
  for (const auto& ns : plan.namespaces) {
    if (!ns.on_certificate) {
      continue; // http-only redirect names present no certificate
    }
    for (const auto s : ns.services) {
      if (s == Service::um) {
        continue; // SIP on 5061, not a client-access TLS endpoint certplan probes
      }
      out.push_back({ns.fqdn.ascii, planned_port(s)});
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Severity Plan::worst() const {
  Severity w = Severity::info;
  for (const auto& f : findings) {
    w = std::max(w, f.severity);
  }
  return w;
}

namespace {

// The certificates of one strategy with what planning them found (R8, R9), and why it was chosen.
struct Chosen {
  Strategy strategy = Strategy::san;
  std::string reason;
  std::vector<CertificatePlan> certificates;
  std::vector<Finding> findings;
};

// R8 auto: SAN unless every supported client accepts wildcards and a wildcard plan needs
// fewer certificates. The certificates compared are the plan's: the chosen ones are kept,
// not planned again.
Chosen choose_strategy(const Topology& topo, const std::vector<Namespace>& namespaces, const SupportedClients& clients) {
  const auto planned = [&](Strategy s) {
    Chosen c;
    c.strategy = s;
    c.certificates = plan_certificates(topo, namespaces, s, clients, c.findings);
    return c;
  };
  const auto requested = topo.certificates.strategy;
  if (requested != Strategy::auto_) {
    Chosen c = planned(requested);
    c.reason = fmt::format("strategy \"{}\" from the topology", to_string(requested));
    return c;
  }
  if (!clients.all_accept_wildcards()) {
    std::vector<std::string> refusing;
    for (const auto* c : clients.list) {
      if (c->wildcard == WildcardSupport::none) {
        refusing.push_back(c->id);
      }
    }
    Chosen c = planned(Strategy::san);
    c.reason = fmt::format("auto chose SAN: {} reject{} wildcard certificates (R14)", fmt::join(refusing, ", "),
                           refusing.size() == 1 ? "s" : "");
    return c;
  }
  Chosen san = planned(Strategy::san);
  Chosen wild = planned(Strategy::wildcard);
  const std::size_t s = san.certificates.size(), w = wild.certificates.size();
  if (w < s) {
    wild.reason = fmt::format("auto chose wildcard: every supported client accepts wildcards and it needs {} "
                              "certificate{} instead of {}",
                              w, w == 1 ? "" : "s", s);
    return wild;
  }
  san.reason = fmt::format("auto chose SAN: a wildcard plan would not need fewer certificates ({} vs {})", w, s);
  return san;
}

// The first steps of every plan: the topology's names, the strategy and its certificates
// (without their Exchange requests), and the findings so far (R8's reason first, then what
// planning the certificates found).
void plan_certificates_of(const Topology& topo, const SupportedClients& clients, bool with_tenants, Plan& plan,
                          std::vector<Finding>& findings) {
  plan.topology_path = topo.path;
  plan.organization = topo.organization.name;
  plan.model = topo.organization.model;
  plan.exchange = topo.organization.exchange;
  plan.strategy_requested = topo.certificates.strategy;
  plan.namespaces = derive_namespaces(topo, with_tenants);
  Chosen chosen = choose_strategy(topo, plan.namespaces, clients);
  plan.strategy_used = chosen.strategy;
  plan.strategy_reason = std::move(chosen.reason);
  findings.push_back(rules::finding(rules::r08, Severity::info, plan.strategy_reason));
  findings.insert(findings.end(), std::make_move_iterator(chosen.findings.begin()),
                  std::make_move_iterator(chosen.findings.end()));
  plan.certificates = std::move(chosen.certificates);
}

SupportedClients supported(const Topology& topo, const ClientCatalog& catalog) {
  SupportedClients clients;
  for (const auto& ref : topo.clients) {
    clients.list.push_back(catalog.find(ref.id)); // the loader checked every id
  }
  return clients;
}

} // namespace

namespace {

// Whether make_plan_viewing may leave the tenants' records to a view (what only the topology
// tells; the plan's own names are checked once made, in plan_with).
bool may_view_tenants(const Topology& topo) {
  return topo.hosting && !topo.tenants.empty() && topo.hosting->autodiscover != AutodiscoverMethod::san &&
         !topo.certificates.include_internal_names;
}

// No tenant name is a name the provider's records or namespaces use (or a CNAME or MX target
// of theirs), nor can one tenant's webmail host be another's autodiscover name: then no
// namespace of a tenant merges with another, no CNAME chain of an MX target passes through
// a tenant's name and no own-IP certificate (R12) reaches a tenant's record, so the tenants'
// records are the same whether made apart or with the rest.
bool tenants_stand_apart(const Topology& topo, const Plan& plan) {
  std::unordered_set<std::string_view> used, autodiscover_of;
  const auto use = [&](std::string_view name) {
    if (name.ends_with('.')) {
      name.remove_suffix(1);
    }
    used.insert(name);
    if (name.starts_with("autodiscover.")) {
      autodiscover_of.insert(name.substr(13));
    }
  };
  for (const auto& ns : plan.namespaces) {
    use(ns.fqdn.ascii);
  }
  for (const auto& r : plan.dns_records) {
    use(r.name);
    if (r.type == "CNAME") {
      use(r.value);
    } else if (r.type == "MX") {
      use(std::string_view(r.value).substr(r.value.find(' ') + 1));
    }
  }
  const bool autodiscover_names = topo.hosting->autodiscover != AutodiscoverMethod::srv;
  for (const auto& t : topo.tenants) {
    if (autodiscover_names) {
      for (const auto& d : t.domains) {
        if (autodiscover_of.count(d.ascii) != 0) {
          return false;
        }
      }
    }
    if (t.webmail && (used.count(t.webmail->ascii) != 0 || t.webmail->ascii.starts_with("autodiscover."))) {
      return false;
    }
  }
  return true;
}

// make_plan's steps; with `view`, the tenants' records are left to a TenantRecords, or nullopt
// when that could change the plan (make_plan then makes it whole).
std::optional<Plan> plan_with(const Topology& topo, const ClientCatalog& catalog, bool view) {
  Plan plan;
  const SupportedClients clients = supported(topo, catalog);

  // Viewed, one tenant's MX record stands in the DNS plan for all of them: they are alike but
  // for their names, and the RFC 2181 rewrite of MX targets (plan_dns) must see one.
  std::optional<DnsRecord> stand_in;
  std::vector<Finding> findings;
  // A hoster's tenant records are most of the DNS plan and need the topology alone.
  auto tenant_dns_made =
      std::async(topo.tenants.size() >= 1000 ? std::launch::async : std::launch::deferred, [&] {
        if (!view) {
          return plan_tenant_dns(topo);
        }
        TenantDns d;
        d.zones = zone_index(topo);
        const TenantContext plain = tenant_context(topo, d.zones);
        const auto with_domains = std::find_if(topo.tenants.begin(), topo.tenants.end(),
                                               [](const Tenant& t) { return !t.domains.empty(); });
        if (with_domains != topo.tenants.end()) {
          DnsRecord scratch;
          tenant_dns(plain, *with_domains, scratch, [&](const DnsRecord& r) {
            if (!stand_in && r.type == "MX") {
              stand_in = r;
            }
          });
          d.records.push_back(*stand_in);
        }
        return d;
      });
  plan_certificates_of(topo, clients, !view, plan, findings);
  for (auto& c : plan.certificates) {
    c.exchange_command = exchange_command(topo, c);
  }
  TenantDns tenants = tenant_dns_made.get();
  const auto zones = tenants.zones;
  bool all_cnames = false;
  plan.dns_records = plan_dns(topo, plan.namespaces, plan.certificates, std::move(tenants), &all_cnames);
  if (view) {
    auto context = std::make_shared<TenantContext>(tenant_context(topo, zones));
    if (stand_in) {
      // Hosted plans have no records after the tenants' (split DNS is not theirs), and the
      // R12 records go in front: the stand-in is last, rewritten as each tenant's MX would be.
      const DnsRecord& made = plan.dns_records.back();
      if (all_cnames || made.name != stand_in->name || made.type != "MX" || !made.note.starts_with(stand_in->note)) {
        return std::nullopt;
      }
      context->mx_value = made.value;
      context->mx_note_suffix = made.note.substr(stand_in->note.size());
      plan.dns_records.pop_back();
    }
    if (!tenants_stand_apart(topo, plan)) {
      return std::nullopt;
    }
    plan.tenant_records =
        std::make_shared<const TenantRecords>(topo, std::move(context), plan.namespaces.size(), plan.dns_records.size());
  }
  for (const auto& c : plan.certificates) {
    for (const auto& v : rules::judge_planned({c, topo})) {
      findings.push_back({std::string(v.rule), v.severity, v.message, ""});
    }
  }

  // The deployment as a whole (R3, R6, R10, R12, R13): the registry's topology checks. The
  // tenants' names a view leaves out are on no certificate, which is all these look at.
  for (const auto& v : rules::judge_topology({topo, plan.namespaces})) {
    findings.push_back({std::string(v.rule), v.severity, v.message, ""});
  }
  plan.clients = evaluate_clients(topo, plan, catalog, clients, findings, plan.verdicts);
  plan.findings = std::move(findings);
  return plan;
}

} // namespace

Plan make_plan(const Topology& topo, const ClientCatalog& catalog) { return *plan_with(topo, catalog, false); }

Plan make_certificate_plan(const Topology& topo, const ClientCatalog& catalog) {
  Plan plan;
  std::vector<Finding> findings;
  plan_certificates_of(topo, supported(topo, catalog), true, plan, findings);
  return plan;
}

Plan make_plan_viewing(const Topology& topo, const ClientCatalog& catalog) {
  if (may_view_tenants(topo)) {
    if (auto plan = plan_with(topo, catalog, true)) {
      return std::move(*plan);
    }
  }
  return make_plan(topo, catalog);
}

} // namespace certplan
