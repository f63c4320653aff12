// R19: the subject of a publicly trusted certificate or its request.
#include "rules/rule.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certplan::rules {

extern const RuleDef r19;

namespace {

// RFC 5280 Appendix A upper bounds (ub-common-name and friends), in characters.
std::size_t upper_bound_of(std::string_view attr) {
  if (attr == "CN" || attr == "O" || attr == "OU") {
    return 64;
  }
  if (attr == "L" || attr == "ST") {
    return 128;
  }
  return 0;
}

std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void at_endpoint(const Meeting& m, Verdicts& v) {
  const auto& leaf = m.certificate.leaf;
  if (trust_of(m) != Trust::public_ca || leaf.subject_cn.empty()) {
    return;
  }
  if (characters(leaf.subject_cn) > 64) {
    add(v, r19, Severity::failure, fmt::format("CN of {} characters (at most 64, RFC 5280 ub-common-name)", characters(leaf.subject_cn)));
  }
  if (std::find(leaf.dns_sans.begin(), leaf.dns_sans.end(), leaf.subject_cn) == leaf.dns_sans.end() &&
      std::find(leaf.ip_sans.begin(), leaf.ip_sans.end(), leaf.subject_cn) == leaf.ip_sans.end()) {
    add(v, r19, Severity::warning, fmt::format("CN {} is not among the SANs (CA/B BR 7.1.4.3)", leaf.subject_cn));
  }
}

void on_request(const RequestFacts& r, Verdicts& v) {
  const auto& q = r.request;
  for (const auto& [attr, value] : q.subject) {
    const auto bound = upper_bound_of(attr);
    if (bound != 0 && characters(value) > bound) {
      add(v, r19, Severity::failure,
          fmt::format("{} of {} characters (at most {}, RFC 5280 Appendix A)", attr, characters(value), bound));
    }
    if (attr == "C" && (value.size() != 2 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))) {
      add(v, r19, Severity::failure, fmt::format("C=\"{}\" is not a two-letter ISO 3166 code", value));
    }
    if (attr == "OU" && r.authority == Authority::public_) {
      add(v, r19, Severity::failure, "OU in the subject: public CAs refuse it since 2022-09-01 (ballot SC47v2)");
    }
  }
  if (r.authority == Authority::public_ && !q.cn.empty() &&
      std::none_of(q.sans.begin(), q.sans.end(), [&](const std::string& s) { return s == q.cn; })) {
    add(v, r19, Severity::warning, fmt::format("CN {} is not among the SANs (CA/B BR 7.1.4.3)", q.cn));
  }
}

void on_planned(const PlannedFacts& p, Verdicts& v) {
  const auto& c = p.certificate;
  if (characters(c.cn) > 64) {
    add(v, r19, Severity::failure,
        fmt::format("certificate {}: CN {} has {} characters (at most 64, RFC 5280 ub-common-name): use a shorter "
                    "site namespace as the CN",
                    c.id, c.cn, characters(c.cn)));
  }
  if (c.authority == Authority::public_ && !c.subject.unit.empty()) {
    add(v, r19, Severity::failure,
        fmt::format("certificate {}: [certificates.subject] unit (OU) is refused by public CAs since 2022-09-01 "
                    "(ballot SC47v2); remove it",
                    c.id));
  }
}

} // namespace

extern const RuleDef r19{
    .info = {.id = "R19",
             .title = "Subject of a public certificate",
             .text = "The CN has at most 64 characters (RFC 5280 ub-common-name) and is a copy of one of the SANs; "
                     "no OU (ballot SC47v2, certificates issued from 2022-09-01); C is exactly two letters; every "
                     "value within its X.520 upper bound (O and OU 64, L and ST 128).",
             .sources = {"RFC 5280 Appendix A (upper bounds)", "CA/B Forum BR 7.1.4.3 and 7.1.2.7.2-5",
                         "ballot SC47v2 (OU)"},
             .effective = {{"2022-09-01", "no OU in subscriber certificates (SC47v2)"}},
             .applies_to = {RuleTarget::planned_certificate, RuleTarget::request, RuleTarget::issued_certificate,
                            RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
    .on_request = on_request,
    .on_planned = on_planned,
    .same_for_certificate = true,
};

} // namespace certplan::rules
