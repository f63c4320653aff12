#pragma once

#include <certplan/render.hpp>

namespace certplan {

std::string plan_json(const Plan& plan);
std::string clients_json(const ClientCatalog& catalog);
std::string plan_text(const Plan& plan, bool markdown);
std::string clients_text(const ClientCatalog& catalog, bool markdown);

// "ok" | "warning" | "fail" (cli.md's status words).
std::string_view status_word(Severity s);

} // namespace certplan
