// make_plan: topology -> namespaces -> certificates -> DNS -> client consequences.
#include "plan/plan_internal.hpp"
#include "rules/rule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>

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

// R8 auto: SAN unless every supported client accepts wildcards and a wildcard plan needs
// fewer certificates.
Strategy choose_strategy(const Topology& topo, const std::vector<Namespace>& namespaces, const SupportedClients& clients,
                         std::string& reason) {
  const auto requested = topo.certificates.strategy;
  if (requested != Strategy::auto_) {
    reason = fmt::format("strategy \"{}\" from the topology", to_string(requested));
    return requested;
  }
  std::vector<Finding> scratch;
  const auto san = plan_certificates(topo, namespaces, Strategy::san, clients, scratch).size();
  if (!clients.all_accept_wildcards()) {
    std::vector<std::string> refusing;
    for (const auto* c : clients.list) {
      if (c->wildcard == WildcardSupport::none) {
        refusing.push_back(c->id);
      }
    }
    reason = fmt::format("auto chose SAN: {} reject{} wildcard certificates (R14)", fmt::join(refusing, ", "),
                         refusing.size() == 1 ? "s" : "");
    return Strategy::san;
  }
  const auto wild = plan_certificates(topo, namespaces, Strategy::wildcard, clients, scratch).size();
  if (wild < san) {
    reason = fmt::format("auto chose wildcard: every supported client accepts wildcards and it needs {} "
                         "certificate{} instead of {}",
                         wild, wild == 1 ? "" : "s", san);
    return Strategy::wildcard;
  }
  reason = fmt::format("auto chose SAN: a wildcard plan would not need fewer certificates ({} vs {})", wild, san);
  return Strategy::san;
}

} // namespace

Plan make_plan(const Topology& topo, const ClientCatalog& catalog) {
  Plan plan;
  plan.topology_path = topo.path;
  plan.organization = topo.organization.name;
  plan.model = topo.organization.model;
  plan.exchange = topo.organization.exchange;
  plan.strategy_requested = topo.certificates.strategy;

  SupportedClients clients;
  for (const auto& ref : topo.clients) {
    clients.list.push_back(catalog.find(ref.id)); // the loader checked every id
  }

  std::vector<Finding> findings;
  // A hoster's tenant records are most of the DNS plan and need the topology alone.
  auto tenant_dns = std::async(topo.tenants.size() >= 1000 ? std::launch::async : std::launch::deferred,
                               [&] { return plan_tenant_dns(topo); });
  plan.namespaces = derive_namespaces(topo);
  plan.strategy_used = choose_strategy(topo, plan.namespaces, clients, plan.strategy_reason);
  findings.push_back(rules::finding(rules::r08, Severity::info, plan.strategy_reason));
  plan.certificates = plan_certificates(topo, plan.namespaces, plan.strategy_used, clients, findings);
  plan.dns_records = plan_dns(topo, plan.namespaces, plan.certificates, tenant_dns.get());
  for (const auto& c : plan.certificates) {
    for (const auto& v : rules::judge_planned({c, topo})) {
      findings.push_back({std::string(v.rule), v.severity, v.message, ""});
    }
  }

  // The deployment as a whole (R3, R6, R10, R12, R13): the registry's topology checks.
  for (const auto& v : rules::judge_topology({topo, plan.namespaces})) {
    findings.push_back({std::string(v.rule), v.severity, v.message, ""});
  }
  plan.clients = evaluate_clients(topo, plan, catalog, clients, findings, plan.verdicts);
  plan.findings = std::move(findings);
  return plan;
}

} // namespace certplan
