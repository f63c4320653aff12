// R16: Outlook Anywhere on Windows XP matches msstd:<name> against the CN only.
#include "rules/rule.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certplan::rules {

extern const RuleDef r16;

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

void at_endpoint(const Meeting& m, Verdicts& v) {
  const auto& c = m.client;
  if (m.service != "iis" || !m.outlook_anywhere || c.oa_principal != OaPrincipal::cn ||
      !c.uses_service(Service::outlook_anywhere)) {
    return;
  }
  const auto& cn = m.certificate.leaf.subject_cn;
  if (cn.empty()) {
    add(v, r16, Severity::failure,
        fmt::format("{} matches the Outlook Anywhere principal against the CN, and this certificate has none (Let's "
                    "Encrypt's tlsserver and shortlived profiles issue none): request one whose CN is {}",
                    c.id, m.host));
    return;
  }
  // The principal is compared as a string: msstd:mail.contoso.com does not match a CN of
  // *.contoso.com (white paper; domain-research.md section 1 [CB14]).
  if (iequal(cn, m.host)) {
    return;
  }
  const std::string wanted = "msstd:" + cn;
  if (!m.principal.empty() && iequal(m.principal, wanted)) {
    add(v, r16, Severity::warning,
        fmt::format("{} checks the Outlook Anywhere principal against the CN {}: works once Set-OutlookProvider EXPR "
                    "-CertPrincipalName {} has been run",
                    c.id, cn, wanted));
    return;
  }
  if (!m.principal.empty()) {
    add(v, r16, Severity::failure,
        fmt::format("{} checks the Outlook Anywhere principal {} against the CN {} of the certificate met at {}; one "
                    "EXPR provider has one principal, so this certificate's CN must be the same",
                    c.id, m.principal, cn, m.host));
    return;
  }
  add(v, r16, Severity::failure,
      fmt::format("{} checks msstd:{} against the CN ({}); set Set-OutlookProvider EXPR -CertPrincipalName {}", c.id,
                  m.host, cn, wanted));
}

} // namespace

extern const RuleDef r16{
    .info = {.id = "R16",
             .title = "Outlook Anywhere principal name",
             .text = "On Windows XP, Outlook Anywhere (RPC over HTTP) matches msstd:<name> against the certificate's "
                     "CN only, as a string (Vista and later: any SAN). So with an XP client the CN must be the "
                     "Outlook Anywhere host, or the organization's EXPR provider must name the CN with "
                     "Set-OutlookProvider EXPR -CertPrincipalName msstd:<CN> (a wildcard CN included); one principal "
                     "per organization, so every certificate Outlook Anywhere meets needs that CN.",
             .sources = {"seed 004 (white paper), \"Outlook Anywhere\"", "Microsoft, Set-OutlookProvider",
                         "domain-research.md [CB14] [MS07RPC]"},
             .effective = {},
             .applies_to = {RuleTarget::planned_certificate, RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
};

} // namespace certplan::rules
