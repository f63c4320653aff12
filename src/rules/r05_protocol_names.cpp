// R5: POP3, IMAP4 and SMTP published on their own host name.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r05{
    .info = {.id = "R5",
             .title = "Protocol host names",
             .text = "POP3, IMAP4 and SMTP published on their own host (pop.contoso.com) add that name to the "
                     "certificate bound to that service; an endpoint of such a service with no certificate bound "
                     "fails every client that uses it.",
             .sources = {"Microsoft, Set-PopSettings / Set-ImapSettings -X509CertificateName", "seed 004"},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::served_chain}},
};

} // namespace certplan::rules
