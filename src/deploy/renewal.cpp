// Renewal planning under CA/B Forum ballot SC-081 (R11): the lifetime a public CA may issue on
// --at, the later steps, how often a certificate is renewed, the margin left to fix a failed
// renewal, and which names need fresh domain validation.
//
// Checked (search, 2026-12): SC-081v3 (adopted 2025-04-11) sets the maximum validity of a
// publicly trusted TLS certificate to 200 days from 2026-03-15, 100 from 2027-03-15 and 47
// from 2029-03-15 (BR 6.3.2), and the reuse of domain and IP validation (BR 4.2.1) to 200, 100
// and 10 days on the same dates; it was 398 days from 2021-10-01 (ballot SC42) and 825 before.
// The validity limits are R11's own (max_public_validity_days), so the two never disagree.
#include "deploy/deploy_internal.hpp"

#include <certplan/rules.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace certplan {
namespace {

constexpr long long k_day = 86400;
constexpr long long k_2021_10_01 = 1633046400;

struct PhaseStart {
  long long unix_time;
  const char* date;
};
// The dates on which SC-081 changes something (00:00:00 UTC).
constexpr PhaseStart k_sc081[] = {
    {1773532800, "2026-03-15"},
    {1805068800, "2027-03-15"},
    {1868227200, "2029-03-15"},
};

int dcv_reuse_days(long long t) {
  if (t >= k_sc081[2].unix_time) {
    return 10;
  }
  if (t >= k_sc081[1].unix_time) {
    return 100;
  }
  if (t >= k_sc081[0].unix_time) {
    return 200;
  }
  return t >= k_2021_10_01 ? 398 : 825;
}

} // namespace

std::string deploy_detail::ymd(long long unix_time) {
  // Howard Hinnant's civil_from_days: no time zone, no clock.
  long long z = (unix_time >= 0 ? unix_time : unix_time - (k_day - 1)) / k_day + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

LifetimePhase lifetime_phase(long long t) {
  LifetimePhase p;
  p.max_validity_days = max_public_validity_days(t);
  p.dcv_reuse_days = dcv_reuse_days(t);
  p.date = "2020-09-01";
  for (const auto& s : k_sc081) {
    if (t >= s.unix_time) {
      p.date = s.date;
    }
  }
  return p;
}

RenewalPlan deploy_detail::plan_renewal(const CertificatePlan& c, long long at,
                                        const std::vector<std::string>& known_names) {
  RenewalPlan r;
  r.public_ca = c.authority == Authority::public_;
  r.today = lifetime_phase(at);
  for (const auto& s : k_sc081) {
    if (s.unix_time > at) {
      r.next_phases.push_back(lifetime_phase(s.unix_time));
    }
  }
  if (!r.public_ca) {
    r.notes.push_back(fmt::format("authority {}: SC-081 binds publicly trusted certificates only; the lifetime is "
                                  "the issuing CA's policy",
                                  to_string(c.authority)));
    return r;
  }
  // Renew when two thirds of the lifetime have passed (Let's Encrypt's and certbot's advice:
  // renew with a third left), so a failed renewal has a third of the lifetime to be fixed.
  // Each renewal is issued under the phase in force on its own date.
  const auto renew_after = [](int lifetime) { return lifetime * 2 / 3; };
  r.lifetime_days = r.today.max_validity_days;
  r.renew_after_days = renew_after(r.lifetime_days);
  r.margin_days = r.lifetime_days - r.renew_after_days;
  r.margin_percent = r.lifetime_days > 0 ? r.margin_days * 100 / r.lifetime_days : 0;
  long long issue = at;
  const long long year_end = at + 365 * k_day;
  while (issue < year_end) {
    const int lifetime = max_public_validity_days(issue);
    const int after = renew_after(lifetime);
    ++r.renewals_first_year;
    r.calendar.push_back({ymd(issue), fmt::format("issue (at most {} days)", lifetime)});
    const long long renew_by = issue + static_cast<long long>(after) * k_day;
    r.calendar.push_back({ymd(renew_by), fmt::format("renew by (expires {})", ymd(issue + lifetime * k_day))});
    if (lifetime <= 0 || after <= 0) {
      break;
    }
    issue = renew_by;
  }
  // A validation older than the reuse period cannot be reused: when renewals come further
  // apart than that, every name is validated again at every renewal.
  r.every_renewal_revalidates = r.today.dcv_reuse_days < r.renew_after_days;
  const std::set<std::string> known(known_names.begin(), known_names.end());
  for (const auto& n : c.sans) {
    if (r.every_renewal_revalidates || known.count(n) == 0) {
      r.fresh_validation.push_back(n);
    }
  }
  if (r.margin_days < 7) {
    r.notes.push_back(fmt::format("a {}-day margin leaves no room for a failed renewal: automate it (ACME) and "
                                  "alert well before",
                                  r.margin_days));
  }
  if (r.every_renewal_revalidates) {
    r.notes.push_back(fmt::format("domain validation is reused for {} days and renewals come every {} days: every "
                                  "name is validated again at every renewal (keep the challenge path or DNS "
                                  "record reachable for each)",
                                  r.today.dcv_reuse_days, r.renew_after_days));
  } else if (!known_names.empty() && !r.fresh_validation.empty()) {
    r.notes.push_back("names not on the installed certificates need fresh validation (a hoster adding a tenant's "
                      "name to a SAN certificate): " +
                      fmt::format("{}", fmt::join(r.fresh_validation, ", ")));
  }
  return r;
}

} // namespace certplan
