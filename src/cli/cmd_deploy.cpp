// `certplan deploy TOPOLOGY`: the Exchange Management Shell steps from an issued certificate to
// a running Exchange, and the renewal plan for --at (issue 15).
#include "cli/cli.hpp"

#include <certplan/clients.hpp>
#include <certplan/deploy.hpp>
#include <certplan/io.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/x509.hpp>

#include <filesystem>
#include <memory>

namespace certplan::cli {

// The names on the certificates installed today ([[installed]]): a planned name not among
// them needs fresh domain validation. A missing file is not an error here: deploy plans the
// first deployment too.
std::vector<std::string> installed_names(const Topology& topo) {
  std::vector<std::string> names;
  const auto base = std::filesystem::path(topo.path).parent_path();
  for (const auto& in : topo.installed) {
    const std::string file = (base / in.file).string();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      continue;
    }
    for (const auto& c : read_certificates(read_file(file), file)) {
      names.insert(names.end(), c.dns_sans.begin(), c.dns_sans.end());
    }
  }
  return names;
}

namespace {

struct DeployCliOptions {
  CommonOptions common;
  std::string topology;
  std::vector<std::string> certs;
  std::vector<std::string> servers;
  std::string key = "certplan";
  std::string files_dir = "C:\\certplan";
  std::string key_passphrase_file;
};

int run_deploy(const DeployCliOptions& o, Io& io) {
  const auto& catalog = ClientCatalog::builtin();
  const Topology topo = load_topology(o.topology, catalog, o.common.limits);
  const Plan plan = make_plan(topo, catalog);
  DeployOptions d;
  d.certificates = o.certs;
  d.servers = o.servers;
  d.key = key_source_from_string(o.key).value_or(KeySource::certplan);
  d.files_dir = o.files_dir;
  d.key_passphrase_file = o.key_passphrase_file;
  d.at = reference_time(o.common);
  const DeployPlan deploy = make_deploy(plan, topo, d, installed_names(topo));
  const std::string& f = o.common.format;
  const DeployFormat format = f == "ps1"    ? DeployFormat::ps1
                              : f == "json" ? DeployFormat::json
                              : f == "ics"  ? DeployFormat::ics
                                            : DeployFormat::text;
  emit(o.common, io, render_deploy(deploy, format));
  return exit_for(deploy.worst());
}

} // namespace

void setup_deploy(CLI::App& sub, Action& action) {
  auto o = std::make_shared<DeployCliOptions>();
  sub.add_option("TOPOLOGY", o->topology, "topology file")->required();
  sub.add_option("--cert", o->certs, "only this planned certificate id (repeatable)");
  sub.add_option("--server", o->servers, "only this server (NetBIOS name; repeatable)");
  sub.add_option("--key", o->key,
                 "where the private key is: certplan (ID.key from certplan csr: build and import ID.pfx) or server "
                 "(ID.ps1 made the request on the first server: import ID.cer there)")
      ->capture_default_str()
      ->check(CLI::IsMember({"certplan", "server"}));
  sub.add_option("--files-dir", o->files_dir, "the folder on the server that holds ID.cer / ID.pfx")->capture_default_str();
  sub.add_option("--key-passphrase-file", o->key_passphrase_file,
                 "ID.key is encrypted: the openssl command reads its passphrase from FILE (-passin file:FILE)");
  add_common_options(sub, o->common, {"text", "ps1", "json", "ics"}, uses_at | uses_topology);
  sub.callback([o, &action] { action = [o](Io& io) { return run_deploy(*o, io); }; });
}

} // namespace certplan::cli
