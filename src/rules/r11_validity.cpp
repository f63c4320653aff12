// R11: validity at the reference time, and the longest validity a public CA may issue.
#include "rules/rule.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certplan::rules {

extern const RuleDef r11;

namespace {

// 2020-09-01, 2026-03-15, 2027-03-15, 2029-03-15 at 00:00:00 UTC (calendar.timegm).
constexpr long long k_2020_09_01 = 1598918400;
constexpr long long k_2026_03_15 = 1773532800;
constexpr long long k_2027_03_15 = 1805068800;
constexpr long long k_2029_03_15 = 1868227200;

void at_endpoint(const Meeting& m, Verdicts& v) {
  const auto& leaf = m.certificate.leaf;
  if (m.at < leaf.not_before_unix) {
    add(v, r11, Severity::failure, fmt::format("not valid before {}", leaf.not_before));
  } else if (m.at > leaf.not_after_unix) {
    add(v, r11, Severity::failure, fmt::format("expired on {}", leaf.not_after));
  }
  // Every certificate the client is handed is checked for dates (RFC 5280 6.1.3 (a)(2)): an
  // intermediate that has expired breaks the path however long the leaf lasts. A self-signed
  // one (a root sent along) is skipped by clients whose store holds a valid path of its own,
  // as Let's Encrypt's expired DST Root CA X3 was: a warning, not a failure.
  const auto& rest = m.certificate.intermediates;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const auto& c = rest[i];
    const bool early = m.at < c.not_before_unix;
    if (!early && m.at <= c.not_after_unix) {
      continue;
    }
    const std::string name = certificate_label(c);
    add(v, r11, c.self_signed ? Severity::warning : Severity::failure,
        fmt::format("certificate {} of the chain ({}{}) {} {}", i + 2, name, c.self_signed ? ", a root" : "",
                    early ? "is not valid before" : "expired on", early ? c.not_before : c.not_after));
  }
  if (trust_of(m) != Trust::public_ca) {
    return;
  }
  const int limit = max_public_validity_days(leaf.not_before_unix);
  // BR 1.6.1: the validity period runs from notBefore through notAfter inclusive; any part of
  // a day counts as a day.
  const long long days = (leaf.not_after_unix - leaf.not_before_unix + 1 + 86399) / 86400;
  if (limit > 0 && days > limit) {
    add(v, r11, Severity::failure, fmt::format("valid {} days, more than the {} allowed when it was issued", days, limit));
  }
  if (!leaf.server_auth) {
    add(v, r11, Severity::failure, "no serverAuth extended key usage (required by the CA/B BRs and by Apple clients)");
  }
}

// The Exchange Auth certificate of Get-AuthConfig (current, and the next one staged with its
// effective date), on the server as Get-ExchangeCertificate lists it.
void on_installed(const InstalledFacts& f, Verdicts& v) {
  for (const auto& a : f.state.auth) {
    if (a.current.empty()) {
      add(v, r11, Severity::failure, "Get-AuthConfig names no current Auth certificate: OAuth (OWA, ECP, hybrid) fails");
      continue;
    }
    if (f.state.certificates.empty()) {
      continue; // nothing to look the thumbprints up in
    }
    const auto* current = f.state.find(a.current);
    const auto* next = a.next.empty() ? nullptr : f.state.find(a.next);
    if (current == nullptr) {
      add(v, r11, Severity::failure,
          fmt::format("the current Auth certificate {} (Get-AuthConfig) is not on this server: OAuth (OWA, ECP, "
                      "hybrid) fails here",
                      a.current));
      continue;
    }
    if (!a.next.empty() && next == nullptr) {
      add(v, r11, Severity::warning,
          fmt::format("the next Auth certificate {} (Get-AuthConfig) is not on this server", a.next));
    }
    const long long left = current->info.not_after_unix - f.at;
    if (left < 0) {
      add(v, r11, Severity::failure,
          fmt::format("the current Auth certificate {} expired on {}: OWA and ECP stop", a.current,
                      current->info.not_after));
    }
    long long best = left;
    if (next != nullptr) {
      best = std::max(best, next->info.not_after_unix - std::max(f.at, a.next_effective.value_or(f.at)));
    }
    const std::string w = exchange_auth_warning(left, best);
    if (!w.empty()) {
      add(v, r11, Severity::warning,
          fmt::format("the current Auth certificate {} expires on {}: {}", a.current, current->info.not_after,
                      w.substr(w.find(": ") + 2)));
    }
  }
}

} // namespace

extern const RuleDef r11{
    .info = {.id = "R11",
             .title = "Validity",
             .text = "A certificate is judged at --at: not yet valid and expired both fail, for every certificate of "
                     "the chain a client is handed (an expired root sent along only warns: clients with a path of "
                     "their own skip it). A publicly trusted TLS "
                     "certificate issued on or after 2020-09-01 is valid at most 398 days; under ballot SC-081 at most "
                     "200 days from 2026-03-15, 100 from 2027-03-15 and 47 from 2029-03-15, and needs the serverAuth "
                     "EKU. The Exchange Auth certificate lasts 5 years and its expiry stops OWA and ECP: warn below 60 "
                     "days unless a next one with at least 120 days is staged.",
             .sources = {"CA/B Forum BR 6.3.2 and 1.6.1", "ballot SC-081 (adopted 2025-04-11)",
                         "Apple, \"About upcoming limits on trusted certificates\"",
                         "Microsoft, \"Maintain (rotate) the Exchange Server OAuth certificate\""},
             .effective = {{"2020-09-01", "at most 398 days"},
                           {"2026-03-15", "at most 200 days (SC-081)"},
                           {"2027-03-15", "at most 100 days (SC-081)"},
                           {"2029-03-15", "at most 47 days (SC-081)"}},
             .applies_to = {RuleTarget::planned_certificate, RuleTarget::issued_certificate, RuleTarget::served_chain,
                            RuleTarget::installed_state}},
    .at_endpoint = at_endpoint,
    .on_installed = on_installed,
    .same_for_certificate = true,
};

} // namespace certplan::rules

namespace certplan {

int max_public_validity_days(long long nb) {
  using namespace rules;
  if (nb >= k_2029_03_15) {
    return 47;
  }
  if (nb >= k_2027_03_15) {
    return 100;
  }
  if (nb >= k_2026_03_15) {
    return 200;
  }
  if (nb >= k_2020_09_01) {
    return 398;
  }
  return 0;
}

bool is_exchange_auth_certificate(std::string_view subject_cn) {
  return subject_cn == "Microsoft Exchange Server Auth Certificate";
}

std::string exchange_auth_warning(long long seconds_left, long long best_seconds_left) {
  // R11 (Microsoft, "Maintain (rotate) the Exchange Server OAuth certificate"): warn below 60
  // days, unless a next Auth certificate with at least 120 days left is already staged.
  constexpr long long k_day = 86400;
  if (seconds_left < 0 || seconds_left >= 60 * k_day || best_seconds_left >= 120 * k_day) {
    return "";
  }
  return "R11: Exchange Auth certificate below 60 days and no next one with 120 days staged";
}

} // namespace certplan
