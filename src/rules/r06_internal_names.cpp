// R6: internal names are not allowed on publicly trusted certificates.
#include "rules/rule.hpp"

#include <certplan/hostname.hpp>

#include <fmt/format.h>

namespace certplan::rules {

extern const RuleDef r06;

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  if (trust_of(m) != Trust::public_ca) {
    return;
  }
  for (const auto& n : m.certificate.leaf.dns_sans) {
    if (is_internal_name(n.starts_with("*.") ? n.substr(2) : n)) {
      add(v, r06, Severity::failure, fmt::format("internal name {} on a publicly trusted certificate", n));
    }
  }
}

} // namespace

extern const RuleDef r06{
    .info = {.id = "R6",
             .title = "Internal names",
             .text = "Server NetBIOS names, *.local and other names without a public suffix may not be on a publicly "
                     "trusted certificate. Only with authority enterprise or self-signed and include_internal_names "
                     "may they be planned; otherwise internal URLs use the external namespace through split DNS.",
             .sources = {"CA/B Forum BR 4.2.2 and 7.1.2.7.12", "BR (2012) 7.1.4.2.1: no such certificate valid after "
                         "2015-11-01"},
             .effective = {{"2015-11-01", "no publicly trusted certificate with an internal name is valid"}},
             .applies_to = {RuleTarget::topology, RuleTarget::planned_certificate, RuleTarget::issued_certificate,
                            RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
};

} // namespace certplan::rules
