// `certplan tenant add|remove`: edit the topology file in place, then print the runbook.
#include "cli/cli.hpp"

#include <certplan/clients.hpp>
#include <certplan/error.hpp>
#include <certplan/io.hpp>
#include <certplan/render.hpp>
#include <certplan/tenant.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <memory>

namespace certplan::cli {
namespace {

struct TenantOptions {
  CommonOptions common;
  std::string topology;
  TenantRequest request;
};

// Keep the file's permissions: a hoster's topology may be group-writable or private.
unsigned file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return 0644;
  }
  return static_cast<unsigned>(st.st_mode) & 07777U;
}

// Renaming over a symbolic link would replace the link with a file; write where it points.
std::string write_target(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_symlink(path, ec)) {
    auto real = std::filesystem::canonical(path, ec);
    if (!ec) {
      return real.string();
    }
  }
  return path;
}

int run_tenant(TenantAction action, const TenantOptions& opts, Io& io) {
  const Format format = output_format(opts.common);
  if (!opts.common.output.empty() && opts.common.output != "-") {
    std::error_code ec;
    if (std::filesystem::equivalent(opts.common.output, opts.topology, ec)) {
      throw Error(ErrorKind::usage, "-o names the topology file itself; the runbook goes elsewhere");
    }
  }
  const auto& catalog = ClientCatalog::builtin();
  const std::string text = read_file(opts.topology, opts.common.limits);
  const TenantEdit edit = action == TenantAction::add
                              ? add_tenant(text, opts.topology, opts.request, catalog)
                              : remove_tenant(text, opts.topology, opts.request.name, catalog);
  // Rendered before the write, so a rendering bug cannot leave an edited file unexplained.
  const std::string runbook = render_tenant_runbook(edit.runbook, format);
  const std::string target = write_target(opts.topology);
  write_file_atomic(target, edit.text, file_mode(target));
  emit(opts.common, io, runbook);
  return exit_ok;
}

void add_topology(CLI::App& app, TenantOptions& opts) {
  app.add_option("TOPOLOGY", opts.topology, "topology file (model \"hosted\"), edited in place")->required();
  app.add_option("--name", opts.request.name, "the tenant's organization name")->required();
}

} // namespace

void setup_tenant(CLI::App& sub, Action& action) {
  sub.require_subcommand(1);

  auto add = std::make_shared<TenantOptions>();
  CLI::App* add_cmd = sub.add_subcommand(
      "add", "validate and append a [[tenant]] table to the topology, then print the onboarding runbook");
  add_topology(*add_cmd, *add);
  // One value per --domain, so a TOPOLOGY after it is not taken for a domain.
  add_cmd->add_option("--domain", add->request.domains, "an accepted domain of the tenant (repeat; the first is primary)")
      ->required()
      ->allow_extra_args(false);
  add_cmd->add_option("--webmail", add->request.webmail,
                      "vanity webmail host, redirected by [hosting] webmail_redirect_host");
  add_common_options(*add_cmd, add->common, {"text", "json", "markdown"}, uses_topology);
  add_cmd->callback([add, &action] { action = [add](Io& io) { return run_tenant(TenantAction::add, *add, io); }; });

  auto remove = std::make_shared<TenantOptions>();
  CLI::App* remove_cmd = sub.add_subcommand(
      "remove", "delete a tenant's [[tenant]] table from the topology, then print the reverse runbook");
  add_topology(*remove_cmd, *remove);
  add_common_options(*remove_cmd, remove->common, {"text", "json", "markdown"}, uses_topology);
  remove_cmd->callback(
      [remove, &action] { action = [remove](Io& io) { return run_tenant(TenantAction::remove, *remove, io); }; });
}

} // namespace certplan::cli
