#include "cli/cli.hpp"

#include <certplan/cert_service.hpp>
#include <certplan/clients.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>
#include <certplan/trace.hpp>
#include <certplan/io.hpp>
#include <certplan/x509.hpp>

#include <algorithm>

#include <filesystem>
#include <memory>

namespace certplan::cli {
namespace {

struct TraceOptions {
  CommonOptions common;
  std::vector<std::string> positionals; // USER@DOMAIN and TOPOLOGY, in either order
  std::vector<std::string> clients;
  bool domain_joined = false;
  bool installed = false;
};

// The certificates the deployment binds ([[installed]]), in place of the planned ones.
std::vector<CertificatePlan> installed_certificates(const Topology& topo, const InputLimits& limits) {
  if (topo.installed.empty()) {
    throw Error(ErrorKind::usage, "--installed: " + topo.path + " has no [[installed]] certificates");
  }
  const auto base = std::filesystem::path(topo.path).parent_path();
  std::vector<CertificatePlan> out;
  for (const auto& in : topo.installed) {
    const std::string file = (base / in.file).string();
    const auto leaf = read_certificates(read_file(file, limits), file, limits.max_certificates).front(); // the first block is the leaf
    CertificatePlan c;
    c.id = in.file;
    c.cn = leaf.subject_cn;
    c.sans = leaf.dns_sans;
    c.kind = std::any_of(c.sans.begin(), c.sans.end(), [](const std::string& n) { return n.starts_with("*."); })
                 ? CertKind::wildcard
                 : CertKind::san;
    c.authority = leaf.self_signed ? Authority::self_signed : Authority::public_;
    c.sites = in.sites;
    if (c.sites.empty()) {
      for (const auto& site : topo.sites) {
        if (site.internet_facing) {
          c.sites.push_back(site.name);
        }
      }
    }
    for (const auto& s : in.services) {
      c.services.emplace_back(exchange_label(cert_service_from_string(s).value_or(CertService::um)));
    }
    out.push_back(std::move(c));
  }
  return out;
}

int run_trace(const TraceOptions& opts, Io& io) {
  const Format format = output_format(opts.common);
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
  const Topology topo = load_topology(topology, catalog, opts.common.limits);
  Plan plan = make_plan(topo, catalog);
  if (opts.installed) {
    plan.certificates = installed_certificates(topo, opts.common.limits);
  }
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
  emit(opts.common, io, render_traces(traces, format));
  return exit_for(worst);
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
  sub.add_flag("--installed", opts->installed,
               "meet the certificates of [[installed]] (files relative to the topology) instead of the planned ones");
  add_common_options(sub, opts->common, {"text", "json", "markdown"}, uses_topology | uses_certs);
  sub.callback([opts, &action] { action = [opts](Io& io) { return run_trace(*opts, io); }; });
}

} // namespace certplan::cli
