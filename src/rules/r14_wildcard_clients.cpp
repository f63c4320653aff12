// R14: Windows Mobile 5.0 rejects wildcard certificates.
#include "rules/rule.hpp"

#include <fmt/format.h>

namespace certplan::rules {

extern const RuleDef r14;

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  const auto cov = name_coverage(m);
  if (!cov.covered && m.client.wildcard == WildcardSupport::none && cov.covered_strict) {
    add(v, r14, Severity::failure,
        fmt::format("{} rejects wildcard certificates; {} is covered only by a wildcard", m.client.id, m.host));
  }
}

} // namespace

extern const RuleDef r14{
    .info = {.id = "R14",
             .title = "Clients that refuse wildcards",
             .text = "Windows Mobile 5.0 rejects wildcard certificates; Windows Mobile 6.0 and later, Outlook, "
                     "browsers and Edge Transport accept them. Exchange's own guidance: no wildcard on the POP3/IMAP4 "
                     "binding, whose host name must be a SAN.",
             .sources = {"seed 004 (white paper), \"Wildcard certificates\"", "Windows Mobile 5.0 FAQ"},
             .effective = {},
             .applies_to = {RuleTarget::planned_certificate, RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
};

} // namespace certplan::rules
