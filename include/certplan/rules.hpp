// The rules registry (domain.md R1..R20, and certplan's own checks): what each rule says,
// where it comes from, since when it applies, and to what. Every verdict any command prints
// cites one of these ids; `certplan rules` lists them and `certplan explain ID` prints one.
// The checks themselves live beside the metadata, one rule per file in src/rules/ (the
// shape of zlint's v3/lints/*/lint_*.go).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace certplan {

// What a rule judges.
enum class RuleTarget {
  topology,            // the input as a whole (models, versions, clients)
  dns_plan,            // the planned DNS records
  planned_certificate, // a certificate of the plan, before it exists
  request,             // a PKCS#10 request (certplan csr, csr --check)
  issued_certificate,  // a certificate with its chain, read from a file
  served_chain,        // what a client meets at an endpoint (planned, installed or live)
  installed_state,     // a server's bindings, connectors and Auth configuration (its own exports)
};
std::string_view to_string(RuleTarget t);

struct EffectiveDate {
  std::string_view date;   // YYYY-MM-DD
  std::string_view change; // what starts to apply that day
};

struct Rule {
  std::string_view id;    // "R16"
  std::string_view title; // one line
  std::string_view text;  // what is checked and why, a few sentences
  std::vector<std::string_view> sources;
  std::vector<EffectiveDate> effective;
  std::vector<RuleTarget> applies_to;
};

// Every registered rule, in id order (R1, R2, ..., R20, then certplan's named checks).
const std::vector<const Rule*>& all_rules();
// The rule with this id (case-insensitive), or nullptr.
const Rule* find_rule(std::string_view id);

// R11 (CA/B BR 6.3.2 with ballot SC-081): the longest validity, in days, of a publicly
// trusted TLS certificate issued at `not_before_unix`; 0 before 2020-09-01 (older rules).
int max_public_validity_days(long long not_before_unix);

// R11: the Exchange Auth certificate (subject CN "Microsoft Exchange Server Auth Certificate")
// signs the OAuth tokens Exchange servers exchange; when it expires OWA and ECP stop.
bool is_exchange_auth_certificate(std::string_view subject_cn);
// R11's word on an Exchange Auth certificate with `seconds_left` at the reference time, given
// the most time left on any Auth certificate judged with it (`best_seconds_left`, its own when
// it is the only one): a warning's reason, or "" when R11 has none.
std::string exchange_auth_warning(long long seconds_left, long long best_seconds_left);

} // namespace certplan
