// The topology loader and, for every topology it accepts, the planner and both renderers:
// hand-edited TOML must give a positioned input error or a plan, never a crash or a hang.
#include "fuzz.hpp"

#include <certplan/clients.hpp>
#include <certplan/error.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& catalog = certplan::ClientCatalog::builtin();
  certplan::Plan plan;
  try {
    const auto topo = certplan::parse_topology(fuzz::text(data, size), "fuzz.toml", catalog);
    plan = certplan::make_plan(topo, catalog);
  } catch (const certplan::Error& e) {
    // Bad input must say where (the brief: file, line and column); anything else is a bug.
    fuzz::expect(e.kind() == certplan::ErrorKind::input, "a topology error that is not an input error");
    fuzz::expect(e.where() && e.where()->file == "fuzz.toml" && e.where()->line >= 1 && e.where()->column >= 1,
                 "an input error without a file, line and column");
    return 0;
  }
  // Whatever names got through the loader must render.
  fuzz::expect(!certplan::render_plan(plan, certplan::Format::text).empty(), "an empty text plan");
  fuzz::expect(certplan::render_plan(plan, certplan::Format::json).find("\"certplan.plan/1\"") != std::string::npos,
               "a JSON plan without its schema");
  return 0;
}
