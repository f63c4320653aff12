// The registry: one table of every rule (zlint's RegisterLint shape, written out so that a
// static library cannot drop a rule whose object nothing else references).
#include "rules/rule.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace certplan::rules {

extern const RuleDef r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, r15, r16, r17, r18, r19,
    r20, key_match, renewal, installed;

Severity worst_of(const Verdicts& v) {
  Severity w = Severity::info;
  for (const auto& x : v) {
    w = std::max(w, x.severity);
  }
  return w;
}

const Verdict* first_of(const Verdicts& v, Severity s) {
  const auto it = std::find_if(v.begin(), v.end(), [&](const Verdict& x) { return x.severity == s; });
  return it == v.end() ? nullptr : &*it;
}

bool about_names(const Verdict& v) {
  return v.rule == r17.info.id || v.rule == r14.info.id || v.rule == r12.info.id || v.rule == r16.info.id ||
         (v.rule == r13.info.id && v.message.find("reads only the CN") != std::string::npos);
}

bool waived_at_scp(const Verdict& v, const ClientProfile& client) {
  return v.rule == r15.info.id && client.self_signed == SelfSigned::scp_only;
}

Verdict trust_store_note(std::string note) { return {r13.info.id, Severity::warning, std::move(note)}; }

Verdict nothing_served(std::string_view service, std::string message) {
  return {service == "iis" ? r01.info.id : r05.info.id, Severity::failure, std::move(message)};
}

const std::vector<const RuleDef*>& registry() {
  static const std::vector<const RuleDef*> k_table = {&r01, &r02, &r03, &r04, &r05, &r06, &r07, &r08,
                                                       &r09, &r10, &r11, &r12, &r13, &r14, &r15, &r16,
                                                       &r17, &r18, &r19, &r20, &key_match, &renewal,
                                                       &installed};
  return k_table;
}

namespace {

// Every check of one kind (a RuleDef member), in registry order.
template <typename Check, typename Facts>
Verdicts run_checks(Check RuleDef::*kind, const Facts& facts) {
  Verdicts v;
  for (const auto* def : registry()) {
    if (def->*kind != nullptr) {
      (def->*kind)(facts, v);
    }
  }
  return v;
}

} // namespace

Verdicts judge_meeting(const Meeting& m, CertificateMemo* memo, std::size_t certificate) {
  if (memo == nullptr) {
    return run_checks(&RuleDef::at_endpoint, m);
  }
  const auto& table = registry();
  auto& kept = memo->m_kept.at(certificate);
  if (!kept.made) {
    kept.by_rule.resize(table.size());
    for (std::size_t i = 0; i < table.size(); ++i) {
      if (table[i]->at_endpoint != nullptr && table[i]->same_for_certificate) {
        table[i]->at_endpoint(m, kept.by_rule[i]);
      }
    }
    kept.made = true;
  }
  Verdicts v;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i]->at_endpoint == nullptr) {
      continue;
    }
    if (table[i]->same_for_certificate) {
      v.insert(v.end(), kept.by_rule[i].begin(), kept.by_rule[i].end());
    } else {
      table[i]->at_endpoint(m, v);
    }
  }
  return v;
}
Verdicts judge_request(const RequestFacts& r) { return run_checks(&RuleDef::on_request, r); }
Verdicts judge_planned(const PlannedFacts& p) { return run_checks(&RuleDef::on_planned, p); }
Verdicts judge_topology(const TopologyFacts& t) { return run_checks(&RuleDef::on_topology, t); }
Verdicts judge_client(const ClientFacts& c) { return run_checks(&RuleDef::for_client, c); }
Verdicts judge_installed(const InstalledFacts& s) { return run_checks(&RuleDef::on_installed, s); }
Verdicts judge_served(const ServedFacts& s) { return run_checks(&RuleDef::on_served, s); }

bool served_untrusted(const ServedFacts& s) {
  if (s.check == nullptr || s.check->trusted || !s.check_error.empty()) {
    return false;
  }
  const bool out_of_date = std::any_of(s.chain.begin(), s.chain.end(), [&](const CertificateInfo& c) {
    return s.at < c.not_before_unix || s.at > c.not_after_unix;
  });
  // dates_only with every served certificate in date: the trust anchor is out of date.
  return !s.check->dates_only || !out_of_date;
}

Trust trust_of(const Meeting& m) {
  if (m.certificate.leaf.self_signed || !m.certificate.chain.trusted) {
    return m.certificate.leaf.self_signed ? Trust::private_ca : Trust::untrusted;
  }
  // A chain that validates is public only when the topology promises a public CA: with
  // authority = "enterprise" the store given (--trust) holds the enterprise root.
  return m.authority == Authority::public_ ? Trust::public_ca : Trust::private_ca;
}

} // namespace certplan::rules

namespace certplan {

std::string_view to_string(RuleTarget t) {
  switch (t) {
  case RuleTarget::topology: return "topology";
  case RuleTarget::dns_plan: return "dns-plan";
  case RuleTarget::planned_certificate: return "planned-certificate";
  case RuleTarget::request: return "request";
  case RuleTarget::issued_certificate: return "issued-certificate";
  case RuleTarget::served_chain: return "served-chain";
  case RuleTarget::installed_state: return "installed-state";
  }
  return "?";
}

const std::vector<const Rule*>& all_rules() {
  static const std::vector<const Rule*> k_rules = [] {
    std::vector<const Rule*> out;
    for (const auto* d : rules::registry()) {
      out.push_back(&d->info);
    }
    return out;
  }();
  return k_rules;
}

const Rule* find_rule(std::string_view id) {
  for (const auto* r : all_rules()) {
    if (util::iequals_ascii(r->id, id)) {
      return r;
    }
  }
  return nullptr;
}

} // namespace certplan
