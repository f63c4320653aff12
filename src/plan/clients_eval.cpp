// What each supported client will do with the plan (R2, R3, R10, R12-R16). Every decision
// reads the client's profile data; there is no client-specific code here.
#include "plan/plan_internal.hpp"

#include <certplan/audit.hpp>

#include "rules/rule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace certplan {
namespace {

class Evaluator {
public:
  Evaluator(const Topology& topo, const Plan& plan, const Audit& audit, std::vector<Finding>& findings)
      : m_topo(topo), m_plan(plan), m_audit(audit), m_findings(findings) {}

  ClientOutcome evaluate(const ClientProfile& p);

private:
  void note(ClientOutcome& o, const char* rule, Severity s, std::string message) {
    o.status = std::max(o.status, s);
    o.notes.push_back(fmt::format("{} {}: {}", rule, to_string(s), message));
    if (s != Severity::info) {
      m_findings.push_back({rule, s, fmt::format("{}: {}", o.id, message), o.id});
    }
  }
  void certificates(const ClientProfile& p, ClientOutcome& o);

  const Topology& m_topo;
  const Plan& m_plan;
  const Audit& m_audit;
  std::vector<Finding>& m_findings;
};

// The plan's certificates as if issued and bound as planned, judged by the rules registry
// at every endpoint, exactly as `certplan audit` would judge them once bought (the promise:
// plan, buy, audit, one answer). Each fact is said once, with the endpoints it hits.
void Evaluator::certificates(const ClientProfile& p, ClientOutcome& o) {
  std::vector<std::pair<const Finding*, std::vector<std::string>>> facts;
  // (rule, severity, message) -> index in `facts`: a hoster's plan has a fact per endpoint.
  struct Key {
    std::string_view rule, message;
    Severity severity;
    bool operator==(const Key&) const = default;
  };
  struct Hash {
    std::size_t operator()(const Key& k) const {
      const std::hash<std::string_view> h;
      return h(k.message) ^ (h(k.rule) * 31) ^ static_cast<std::size_t>(k.severity);
    }
  };
  std::unordered_map<Key, std::size_t, Hash> index;
  for (const auto& r : m_audit.results) {
    if (r.client != p.id) {
      continue;
    }
    for (const auto& f : r.facts) {
      const auto [it, fresh] = index.emplace(Key{f.rule, f.message, f.severity}, facts.size());
      if (fresh) {
        facts.push_back({&f, {}});
      }
      facts[it->second].second.push_back(r.endpoint + (r.service == "iis" ? "" : " (" + r.service + ")"));
    }
  }
  for (const auto& [f, where] : facts) {
    note(o, f->rule.c_str(), f->severity, fmt::format("{} [at {}]", f->message, fmt::join(where, ", ")));
  }
}

ClientOutcome Evaluator::evaluate(const ClientProfile& p) {
  ClientOutcome o;
  o.id = p.id;
  o.name = p.name;
  certificates(p, o);
  // The client against the deployment as a whole (R2 autodiscover, R18 support): the registry.
  for (const auto& v : rules::judge_client({m_topo, p})) {
    note(o, std::string(v.rule).c_str(), v.severity, v.message);
  }
  return o;
}

} // namespace

std::vector<ClientOutcome> evaluate_clients(const Topology& topo, const Plan& plan, const ClientCatalog& catalog,
                                            const SupportedClients& clients, std::vector<Finding>& findings,
                                            std::vector<CellVerdict>& verdicts) {
  std::vector<ClientOutcome> out;
  // Judged at the planned certificates' first second: every time-dependent rule then holds.
  const auto issued = as_issued(topo, plan, 0);
  const Audit audit = audit_endpoints(topo, plan, catalog, issued, 0);
  for (const auto& r : audit.results) {
    CellVerdict v{r.endpoint, r.service, r.client, r.status, {}};
    for (const auto& f : r.facts) {
      if (std::find(v.rules.begin(), v.rules.end(), f.rule) == v.rules.end()) {
        v.rules.push_back(f.rule);
      }
    }
    verdicts.push_back(std::move(v));
  }
  Evaluator e(topo, plan, audit, findings);
  for (const auto* p : clients.list) {
    out.push_back(e.evaluate(*p));
  }
  return out;
}

} // namespace certplan
