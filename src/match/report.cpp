// `certplan match`'s judgement: explain_match for each host, under one policy.
#include <certplan/match.hpp>

#include <algorithm>
#include <utility>

namespace certplan {

bool MatchReport::all_covered() const {
  return std::all_of(results.begin(), results.end(), [](const HostMatch& m) { return m.verdict.covered; });
}

MatchReport match_hosts(std::string certificate, const PresentedNames& names, const std::vector<std::string>& hosts,
                        const ClientProfile* client) {
  MatchReport report;
  report.certificate = std::move(certificate);
  report.subject_cn = names.cn;
  report.profile = client == nullptr ? std::string("strict RFC 9525 (R17)") : client->id;
  const MatchPolicy policy = client == nullptr ? strict_policy() : policy_for(*client);
  for (const auto& h : hosts) {
    report.results.push_back({h, explain_match(names, h, policy)});
  }
  return report;
}

} // namespace certplan
