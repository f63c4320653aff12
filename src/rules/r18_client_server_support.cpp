// R18: clients and Exchange versions Microsoft supports together; version-specific commands.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r18{
    .info = {.id = "R18",
             .title = "Client and server support",
             .text = "A client that Microsoft's supportability matrix does not support with the topology's Exchange "
                     "version is a warning naming the matrix (Outlook 2007 and 2010 with Exchange 2019 and SE; "
                     "Outlook 2007 with 2016). Exchange 2013 and later commands replace the 2007/2010 ones "
                     "(Set-ClientAccessService for Set-ClientAccessServer).",
             .sources = {"Microsoft, \"Exchange Server supportability matrix\" (clients)",
                         "Microsoft, Set-ClientAccessService"},
             .effective = {},
             .applies_to = {RuleTarget::topology}},
};

} // namespace certplan::rules
