// Private to the tenant module: the runbook derived from the plans with and without a tenant.
#pragma once

#include <certplan/plan.hpp>
#include <certplan/tenant.hpp>
#include <certplan/topology.hpp>

#include <vector>

namespace certplan {

// The certificates whose names differ between `before` and `after` (the plans before and after
// the edit), in `after`'s order, then those `after` no longer plans.
std::vector<CertificateChange> certificate_changes(const Plan& before, const Plan& after);

// `with` is the topology with the tenant, whichever way the edit went; `plan_with` and
// `plan_without` are the plans with and without it.
TenantRunbook make_runbook(TenantAction action, const Topology& with, const Tenant& tenant, const Plan& plan_with,
                           const Plan& plan_without);

} // namespace certplan
