// R7: the CN is the site namespace; the SAN list starts with it, in a documented order.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r07{
    .info = {.id = "R7",
             .title = "CN and SAN order",
             .text = "The CN is the site's namespace; the SANs start with the CN, then the primary SMTP domain's "
                     "autodiscover name, the site's other external names, the other SMTP domains' autodiscover "
                     "names, tenant names, internal names. Exchange 2007 takes the first -DomainName as the CN; "
                     "from 2010 the CN comes from -SubjectName, so commands give both.",
             .sources = {"seed 004, step 1 of \"Configuring SSL\"", "Microsoft, New-ExchangeCertificate"},
             .effective = {},
             .applies_to = {RuleTarget::planned_certificate, RuleTarget::request}},
};

} // namespace certplan::rules
