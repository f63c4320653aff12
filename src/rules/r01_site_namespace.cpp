// R1: every internet-facing site publishes its HTTP services under one namespace.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r01{
    .info = {.id = "R1",
             .title = "Per-site namespace",
             .text = "Every internet-facing site publishes OWA, ECP, EWS, OAB, ActiveSync and Outlook Anywhere / "
                     "MAPI over HTTP under one namespace, and a certificate naming it is bound to that site's IIS. "
                     "An endpoint with no certificate bound is a failure for every client that uses it.",
             .sources = {"seed 004 (white paper), \"Namespace planning\"",
                         "Microsoft, \"Namespace Planning in Exchange 2016\""},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::served_chain}},
};

} // namespace certplan::rules
