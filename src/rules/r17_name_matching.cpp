// R17: does the certificate cover the host name (RFC 6125 / RFC 9525, per client profile).
#include "rules/rule.hpp"

#include <certplan/match.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace certplan::rules {

extern const RuleDef r17;

NameCoverage name_coverage(const Meeting& m) {
  if (m.coverage < 0) {
    const auto& leaf = m.certificate.leaf;
    const std::string host(m.host);
    NameCoverage c;
    // An exact SAN satisfies every profile but CN-only ones; only the rest needs the matcher.
    if (m.named_exactly && m.client.name_source != NameSource::cn_only) {
      c = {true, true};
    } else {
      const PresentedNames names{leaf.dns_sans, leaf.ip_sans, leaf.subject_cn};
      c.covered = covers(names, host, policy_for(m.client));
      c.covered_strict = c.covered || covers(names, host, strict_policy());
    }
    m.coverage = (c.covered ? 1 : 0) | (c.covered_strict ? 2 : 0);
  }
  return {(m.coverage & 1) != 0, (m.coverage & 2) != 0};
}

namespace {

void at_endpoint(const Meeting& m, Verdicts& v) {
  const auto cov = name_coverage(m);
  const auto& leaf = m.certificate.leaf;
  // R14 and R13 explain a refusal that is the profile's; what is left is R17's own.
  if (!cov.covered && !(m.client.wildcard == WildcardSupport::none && cov.covered_strict) &&
      m.client.name_source != NameSource::cn_only) {
    add(v, r17, Severity::failure,
        fmt::format("the certificate does not cover {} (SANs: {})", m.host,
                    leaf.dns_sans.empty() ? std::string("none") : fmt::format("{}", fmt::join(leaf.dns_sans, ", "))));
  }
  // The CA's name constraints, checked against the name connected to: a wildcard SAN can
  // satisfy them while covering a host they exclude (CVE-2025-61727's pattern).
  const auto& chain = m.certificate.chain;
  if (chain.trusted && !within_name_constraints(std::string(m.host), chain.permitted_dns, chain.excluded_dns)) {
    add(v, r17, Severity::failure,
        fmt::format("a CA on the chain does not permit {} (name constraints, RFC 5280 4.2.1.10)", m.host));
  }
}

// A live endpoint outside any profile: RFC 9525's strict policy is what every profile accepts
// at least, so a name it refuses is refused by every client.
void on_served(const ServedFacts& f, Verdicts& v) {
  if (f.check == nullptr) {
    return; // --no-verify: dates only
  }
  const auto& leaf = f.chain.front();
  const PresentedNames names{leaf.dns_sans, leaf.ip_sans, leaf.subject_cn};
  if (const auto m = explain_match(names, std::string(f.host), strict_policy()); !m.covered) {
    add(v, r17, Severity::failure, fmt::format("wrong name: the leaf does not cover {} ({}: {})", f.host, m.rule, m.reason));
  }
  if (f.check->trusted && !within_name_constraints(std::string(f.host), f.check->permitted_dns, f.check->excluded_dns)) {
    add(v, r17, Severity::failure, fmt::format("{} is outside the issuing CA's name constraints", f.host));
  }
}

} // namespace

extern const RuleDef r17{
    .info = {.id = "R17",
             .title = "Host-name matching",
             .text = "Compare in lower case after dropping one trailing dot; a wildcard only as the whole leftmost "
                     "label, matching exactly one label, never over a public suffix nor a host whose labels are all "
                     "numeric; the CN is ignored when DNS SANs are present; IDNs compare in A-label form; a "
                     "partial-label wildcard matches only for a profile that allows it; IP addresses match only IP "
                     "SANs. The CAs' name constraints are checked against the host connected to.",
             .sources = {"RFC 9525 6.3 and 7.1", "RFC 6125 6.4", "RFC 5280 4.2.1.10", "C2SP x509-limbo"},
             .effective = {},
             .applies_to = {RuleTarget::issued_certificate, RuleTarget::served_chain}},
    .at_endpoint = at_endpoint,
    .on_served = on_served,
};

} // namespace certplan::rules

namespace certplan {

// The explanation of `match` and of the audit's reasons: which name covers the reference,
// or why none does, citing R17 (or R14 for a wildcard the client refuses).
MatchExplanation explain_match(const PresentedNames& names, std::string_view reference, const MatchPolicy& policy) {
  const bool ok = covers(names, reference, policy);
  if (is_ip_reference(reference)) {
    // RFC 9525 §6.5 / R17: an IP address is matched by an iPAddress SAN, never by a DNS name
    // or the CN, so the only possible reason is that IP SAN (or its absence).
    return ok ? MatchExplanation{true, std::string(rules::r17.info.id), "an IP SAN names it"}
              : MatchExplanation{false, std::string(rules::r17.info.id), "no IP SAN names it (an IP address matches only IP SANs)"};
  }
  const auto exact = [&](const std::string& n) { return dns_id_matches(n, reference, WildcardSupport::none); };
  if (ok) {
    if (policy.name_source == NameSource::cn_only) {
      return {true, std::string(rules::r17.info.id), "the CN names it (this profile reads only the CN)"};
    }
    if (std::any_of(names.dns.begin(), names.dns.end(), exact)) {
      return {true, std::string(rules::r17.info.id), "a SAN names it"};
    }
    if (std::any_of(names.dns.begin(), names.dns.end(),
                    [&](const std::string& n) { return dns_id_matches(n, reference, policy.wildcard); })) {
      return {true, std::string(rules::r17.info.id), "a wildcard SAN covers it (one label)"};
    }
    return {true, std::string(rules::r17.info.id), "the CN names it (no SAN; this profile reads the CN)"};
  }
  if (covers(names, reference, strict_policy())) {
    return {false, std::string(rules::r14.info.id), "only a wildcard covers it, and this client refuses wildcards"};
  }
  if (!names.dns.empty() && !names.cn.empty() && dns_id_matches(names.cn, reference, WildcardSupport::leftmost)) {
    return {false, std::string(rules::r17.info.id), "only the CN names it, and the CN is ignored when DNS SANs are present"};
  }
  return {false, std::string(rules::r17.info.id), "no SAN names it"};
}

} // namespace certplan
