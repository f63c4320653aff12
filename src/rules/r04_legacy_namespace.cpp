// R4: a legacy namespace is an external name on the site's certificate.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r04{
    .info = {.id = "R4",
             .title = "Legacy namespace",
             .text = "A legacy_namespace (coexistence with an older Exchange version) is an external name and goes "
                     "on the site's certificate.",
             .sources = {"Microsoft, \"Upgrading Outlook Web App to Exchange 2010\"", "seed 004"},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::planned_certificate}},
};

} // namespace certplan::rules
