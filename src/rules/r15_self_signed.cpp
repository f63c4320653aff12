// R15: self-signed certificates, per client.
#include "rules/rule.hpp"

#include <fmt/format.h>

namespace certplan::rules {

extern const RuleDef r15;

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  if (!m.certificate.leaf.self_signed) {
    return;
  }
  const auto& c = m.client;
  const bool oa_or_eas = c.uses_service(Service::outlook_anywhere) || c.uses_service(Service::mapi) ||
                         c.uses_service(Service::activesync);
  if (c.self_signed == SelfSigned::no) {
    add(v, r15, Severity::failure, fmt::format("{} does not accept a self-signed certificate", c.id));
  } else if (c.self_signed == SelfSigned::scp_only && oa_or_eas) {
    add(v, r15, Severity::failure,
        fmt::format("{} accepts a self-signed certificate only for domain-joined autodiscover (SCP); Outlook Anywhere "
                    "and ActiveSync need a CA-issued certificate",
                    c.id));
  } else {
    add(v, r15, Severity::warning, "self-signed: users see a certificate warning");
  }
}

// A live endpoint: a self-signed leaf that the store given does not hold fails every client
// that has not been handed it beforehand.
void on_served(const ServedFacts& f, Verdicts& v) {
  if (f.chain.front().self_signed && served_untrusted(f)) {
    add(v, r15, Severity::failure, fmt::format("self-signed, not in the trust store ({})", f.check->status));
  }
}

} // namespace

extern const RuleDef r15{
    .info = {.id = "R15",
             .title = "Self-signed certificates",
             .text = "Self-signed certificates are not supported for Outlook Anywhere or ActiveSync; OWA users get "
                     "a warning; domain-joined Outlook may use one for autodiscover through the SCP.",
             .sources = {"seed 004 (white paper), \"Self-signed certificates\""},
             .effective = {},
             .applies_to = {RuleTarget::topology, RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
    .on_served = on_served,
};

} // namespace certplan::rules
