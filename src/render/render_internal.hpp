#pragma once

#include <certplan/render.hpp>

namespace certplan {

void write_plan_json(std::ostream& out, const Plan& plan, JsonStyle style);
std::string clients_json(const ClientCatalog& catalog);
void write_plan_text(std::ostream& out, const Plan& plan, bool markdown);
std::string clients_text(const ClientCatalog& catalog, bool markdown);

// "ok" | "warning" | "fail" (cli.md's status words).
std::string_view status_word(Severity s);

} // namespace certplan
