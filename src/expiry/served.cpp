// A live endpoint's served chain for `expiry`: which certificate the report shows (expiry's
// own choice) and whether any client accepts it (the rules registry's, src/rules/ on_served).
#include <certplan/error.hpp>
#include <certplan/expiry.hpp>

#include "rules/rule.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certplan {

ServedVerdict judge_served(std::string_view host, const ProbeResult& p, const ChainValidator* chains, long long at) {
  ServedVerdict v;
  const auto& chain = p.chain;
  const auto nyv = std::find_if(chain.begin(), chain.end(), [at](const CertificateInfo& c) { return at < c.not_before_unix; });
  if (nyv != chain.end()) {
    v.reported = static_cast<std::size_t>(nyv - chain.begin());
  } else {
    for (std::size_t i = 1; i < chain.size(); ++i) {
      if (chain[i].not_after_unix < chain[v.reported].not_after_unix) {
        v.reported = i;
      }
    }
  }
  std::vector<std::string> notes;
  if (v.reported != 0) {
    notes.push_back(fmt::format("certificate {} of {} served, {} the leaf {}: {}", v.reported + 1, chain.size(),
                                nyv != chain.end() ? "not yet valid, unlike" : "expires before", certificate_label(chain.front()),
                                certificate_label(chain[v.reported])));
  }
  if (chains != nullptr) {
    ChainCheck check;
    std::string error;
    try {
      check = chains->check(p.chain_pem, std::string(host), at);
    } catch (const Error& e) {
      error = e.message();
    }
    const rules::ServedFacts facts{.host = host, .chain = chain, .check = &check, .check_error = error, .at = at};
    for (const auto& verdict : rules::judge_served(facts)) {
      v.failed = v.failed || verdict.severity == Severity::failure;
      notes.push_back(verdict.message);
    }
  }
  v.note = fmt::format("{}", fmt::join(notes, "; "));
  return v;
}

} // namespace certplan
