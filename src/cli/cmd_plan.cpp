#include "cli/cli.hpp"

#include <certplan/clients.hpp>
#include <certplan/compare.hpp>
#include <certplan/deploy.hpp>
#include <certplan/error.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>

#include <memory>
#include <optional>
#include <ostream>

namespace certplan::cli {
namespace {

struct PlanOptions {
  CommonOptions common;
  std::string topology;
  bool compare_autodiscover = false;
  bool compact = false;
};

int run_plan(const PlanOptions& opts, Io& io) {
  const Format format = output_format(opts.common);
  if (opts.compact && (format != Format::json || opts.compare_autodiscover)) {
    throw Error(ErrorKind::usage, "--compact applies to the plan's JSON only (--format json)");
  }
  const auto& catalog = ClientCatalog::builtin();
  const Topology topo = load_topology(opts.topology, catalog, opts.common.limits);
  if (opts.compare_autodiscover) {
    if (!opts.common.at.empty()) {
      throw Error(ErrorKind::usage, "--at applies to the plan (its renewal section), not to --compare-autodiscover");
    }
    emit(opts.common, io, render_comparison(compare_autodiscover(topo, catalog), format));
    return exit_ok;
  }
  // Streamed: a hoster's plan is written as it is rendered, never held whole; its tenants'
  // records are made as they are written (make_plan_viewing; topo outlives the plan).
  const Plan plan = make_plan_viewing(topo, catalog);
  const JsonStyle style = opts.compact ? JsonStyle::compact : JsonStyle::indented;
  // --at adds what deploy states of renewal that day (issue 15); without it the plan does not
  // depend on the day it is made.
  std::optional<DeployPlan> renewal;
  if (!opts.common.at.empty()) {
    DeployOptions d;
    d.at = reference_time(opts.common);
    renewal = make_deploy(plan, topo, d, installed_names(topo));
  }
  emit_stream(opts.common, io, [&](std::ostream& out) {
    write_plan(out, plan, format, style, renewal ? &*renewal : nullptr);
  });
  return exit_for(plan.worst());
}

} // namespace

void setup_plan(CLI::App& sub, Action& action) {
  auto opts = std::make_shared<PlanOptions>();
  sub.add_option("TOPOLOGY", opts->topology, "topology file (TOML, see shared/spec/topology.md)")->required();
  sub.add_flag("--compare-autodiscover", opts->compare_autodiscover,
               "hosted model: compare the redirect, srv and san options side by side");
  sub.add_flag("--compact", opts->compact, "with --format json: no indentation and no spaces (smaller, one line)");
  add_common_options(sub, opts->common, {"text", "json", "markdown"}, uses_at | uses_topology);
  sub.callback([opts, &action] { action = [opts](Io& io) { return run_plan(*opts, io); }; });
}

} // namespace certplan::cli
