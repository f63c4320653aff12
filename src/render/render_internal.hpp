#pragma once

#include <certplan/deploy.hpp>
#include <certplan/render.hpp>

#include <nlohmann/json.hpp>

namespace certplan {

void write_plan_json(std::ostream& out, const Plan& plan, JsonStyle style, const DeployPlan* renewal);
std::string clients_json(const ClientCatalog& catalog);
void write_plan_text(std::ostream& out, const Plan& plan, bool markdown);
// `plan --at` (src/render/deploy.cpp): the renewal section, and the JSON member "renewal".
std::string plan_renewal_text(const DeployPlan& d, bool markdown);
nlohmann::ordered_json plan_renewal_json(const DeployPlan& d);
std::string clients_text(const ClientCatalog& catalog, bool markdown);

// "ok" | "warning" | "fail" (cli.md's status words).
std::string_view status_word(Severity s);

} // namespace certplan
