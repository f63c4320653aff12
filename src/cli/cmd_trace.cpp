#include "cli/cli.hpp"

#include <certplan/clients.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>
#include <certplan/trace.hpp>

#include <filesystem>
#include <memory>

namespace certplan::cli {
namespace {

struct TraceOptions {
  CommonOptions common;
  std::vector<std::string> positionals; // USER@DOMAIN and TOPOLOGY, in either order
  std::vector<std::string> clients;
  bool domain_joined = false;
};

int run_trace(const TraceOptions& opts, Io& io) {
  const auto format = format_from_string(opts.common.format);
  if (!format) {
    throw Error(ErrorKind::usage, "--format must be text, json or markdown, not \"" + opts.common.format + "\"");
  }
  // The issue writes `trace USER@DOMAIN TOPOLOGY`; cli.md puts the topology first for every
  // command. Both orders work: the address is the argument with an '@' that is not a file.
  const auto is_address = [](const std::string& s) {
    return s.find('@') != std::string::npos && !std::filesystem::exists(s);
  };
  std::string email = opts.positionals[0];
  std::string topology = opts.positionals[1];
  if (!is_address(email)) {
    std::swap(email, topology);
  }
  if (!is_address(email)) {
    throw Error(ErrorKind::usage, "trace needs an e-mail address USER@DOMAIN and a topology file");
  }
  const auto& catalog = ClientCatalog::builtin();
  const Topology topo = load_topology(topology, catalog);
  const Plan plan = make_plan(topo, catalog);
  std::vector<const ClientProfile*> clients;
  for (const auto& id : opts.clients) {
    const auto* p = catalog.find(id);
    if (p == nullptr) {
      throw Error(ErrorKind::usage, "unknown client \"" + id + "\"; known clients: " + catalog.ids_joined());
    }
    clients.push_back(p);
  }
  if (clients.empty()) {
    for (const auto& ref : topo.clients) {
      const auto* p = catalog.find(ref.id);
      if (p->uses_service(Service::autodiscover)) {
        clients.push_back(p);
      }
    }
  }
  if (clients.empty()) {
    throw Error(ErrorKind::usage, "no client to trace: give --client ID or list autodiscover clients in [clients] supported");
  }
  std::vector<Trace> traces;
  Severity worst = Severity::info;
  for (const auto* c : clients) {
    traces.push_back(trace_autodiscover(topo, plan, *c, email, opts.domain_joined));
    worst = std::max(worst, traces.back().severity());
  }
  emit(opts.common, io, render_traces(traces, *format));
  return worst == Severity::info ? exit_ok : worst == Severity::warning ? exit_warning : exit_failure;
}

} // namespace

void setup_trace(CLI::App& sub, Action& action) {
  auto opts = std::make_shared<TraceOptions>();
  sub.add_option("USER@DOMAIN TOPOLOGY", opts->positionals, "the address a user types, and the topology file")
      ->required()
      ->expected(2);
  sub.add_option("--client", opts->clients, "client profile to trace (repeatable; default: every supported client "
                                            "that uses autodiscover)");
  sub.add_flag("--domain-joined", opts->domain_joined,
               "the client is domain-joined on the corporate network (SCP lookup, internal DNS view)");
  add_common_options(sub, opts->common, "text, json, markdown");
  sub.callback([opts, &action] { action = [opts](Io& io) { return run_trace(*opts, io); }; });
}

} // namespace certplan::cli
