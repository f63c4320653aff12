// R9: a certificate carries at most max_names names.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r09{
    .info = {.id = "R9",
             .title = "Name limits",
             .text = "A certificate never carries more than max_names names (Let's Encrypt: 100, or 25 with its "
                     "tlsserver and shortlived profiles; commercial UC certificates 25 to 250). A plan that needs "
                     "more splits them over several certificates, keeping each site's namespace with its "
                     "autodiscover names, and says which certificate binds where.",
             .sources = {"Let's Encrypt, \"Profiles\" and \"Rate Limits\"", "seed 003"},
             .effective = {},
             .applies_to = {RuleTarget::planned_certificate}},
};

} // namespace certplan::rules
