// certplan's own check: the private key given with --key belongs to the certificate.
#include "rules/rule.hpp"

namespace certplan::rules {

extern const RuleDef key_match;

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  if (m.certificate.key_matches && !*m.certificate.key_matches) {
    add(v, key_match, Severity::failure, "the private key given with --key does not belong to this certificate");
  }
}

} // namespace

extern const RuleDef key_match{
    .info = {.id = "key",
             .title = "Key and certificate belong together",
             .text = "The private key given with audit --key must hold the public key of the certificate it is "
                     "checked against: a mismatch is what Import-ExchangeCertificate or a .pfx export refuses later.",
             .sources = {"RFC 5280 4.1.2.7 (subjectPublicKeyInfo)"},
             .effective = {},
             .applies_to = {RuleTarget::issued_certificate}},
    .at_endpoint = at_endpoint,
    .same_for_certificate = true,
};

} // namespace certplan::rules
