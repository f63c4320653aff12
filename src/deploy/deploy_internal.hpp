// Private to src/deploy: the pieces make_deploy is built from.
#pragma once

#include <certplan/deploy.hpp>
#include <certplan/quote.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace certplan {
// R16, defined in src/audit/audit.cpp (the same principal audit judges clients against): the
// Set-OutlookProvider EXPR -CertPrincipalName the plan has the admin set for `forest`, or "".
std::string planned_principal(const Plan& plan, const std::string& forest);
} // namespace certplan

namespace certplan::deploy_detail {

// YYYY-MM-DD of a Unix time (UTC), without the C library's time zone state.
std::string ymd(long long unix_time);

// R11 / SC-081 renewal facts for one planned certificate issued at `at` (the ACME steps are
// filled in by make_deploy).
RenewalPlan plan_renewal(const CertificatePlan& c, long long at, const std::vector<std::string>& known_names);

// A step expanded from templates/exchange/deploy/NAME; `cites` is the last URL of the
// template's comment lines.
DeployStep make_step(std::string id, std::string title, std::string_view name, const quote::Values& values,
                     std::string shell = "powershell");

} // namespace certplan::deploy_detail
