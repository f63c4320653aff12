// certplan's own check: a renewal drops nothing the old certificate served (audit --replacing;
// the comparison itself is renewal_regressions() in src/audit, over two runs of this registry).
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef renewal{
    .info = {.id = "renewal",
             .title = "A renewal drops nothing",
             .text = "audit --replacing OLD: every endpoint, service and client that OLD serves ok or with a warning "
                     "must not fail with the new certificate in its place (a name left off, a new CA a client does not "
                     "trust, a key type a client cannot use).",
             .sources = {"seed 003, \"renewal\""},
             .effective = {},
             .applies_to = {RuleTarget::issued_certificate}},
};

} // namespace certplan::rules
