// R8: certificate strategies.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r08{
    .info = {.id = "R8",
             .title = "Certificate strategies",
             .text = "san: one certificate per site (per forest in multi-forest) with every name. wildcard: *.zone "
                     "plus the names a wildcard cannot cover (it covers exactly one leftmost label). single-name: "
                     "one certificate per name (each needs its own IP address or SNI, R12). auto: san unless every "
                     "supported client accepts wildcards and a wildcard plan needs fewer certificates.",
             .sources = {"seed 003 (SAN certificate vs single-name certificates)", "seed 004", "RFC 9525 6.3"},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::planned_certificate}},
};

} // namespace certplan::rules
