// R2: autodiscover for every SMTP domain users sign in with.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef r02{
    .info = {.id = "R2",
             .title = "Autodiscover per SMTP domain",
             .text = "For every accepted SMTP domain d, clients try https://d/autodiscover/autodiscover.xml, then "
                     "https://autodiscover.d/..., then http://autodiscover.d/... (a redirect, with a prompt), then "
                     "the SRV record _autodiscover._tcp.d; Outlook 2016 and later first check Microsoft 365. TLS is "
                     "checked against the name looked up, never a CNAME's target, so each d needs autodiscover.d on "
                     "a certificate (san), an SRV record to a name on one (srv), or an HTTP redirect site (redirect).",
             .sources = {"seed 002 (Exchange 2007 AutoDiscover and Multi-Tenant Hosting)", "seed 004, \"Autodiscover\"",
                         "Microsoft KB3211279 (Outlook 2016 Microsoft 365 check)", "RFC 9525 6.1.1 (CNAME targets)"},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::dns_plan}},
};

} // namespace certplan::rules
