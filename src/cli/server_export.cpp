#include "cli/server_export.hpp"

#include <certplan/io.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace certplan::cli {

exports::InstalledState load_server_export(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw Error(ErrorKind::usage, fmt::format("--server-export {}: not a folder", dir));
  }
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) {
    throw Error(ErrorKind::input, fmt::format("--server-export {}: {}", dir, ec.message()));
  }
  std::sort(files.begin(), files.end()); // deterministic, whatever order the file system lists
  exports::InstalledState state;
  state.source = dir;
  for (const auto& p : files) {
    const std::string file = p.string();
    const std::string text = exports::to_utf8(read_file(file), file);
    const auto format = exports::sniff_format(text);
    if (!format) {
      state.skipped.push_back(file);
      continue;
    }
    const auto objects = *format == exports::ExportFormat::clixml ? exports::read_clixml(text, file)
                                                                   : exports::read_ps_json(text, file);
    exports::add_objects(state, objects, file);
  }
  return state;
}

std::vector<Finding> add_server_exports(const std::vector<std::string>& dirs, const Topology& topo, const Plan& plan,
                                        const ChainValidator& chains, long long at, std::vector<AuditCertificate>& certs) {
  std::vector<std::string> namespaces;
  for (const auto& ns : plan.namespaces) {
    namespaces.push_back(ns.fqdn.ascii);
  }
  std::vector<Finding> findings;
  for (const auto& dir : dirs) {
    const auto state = load_server_export(dir);
    if (state.certificates.empty() && state.bindings.empty() && state.auth.empty() && state.connectors.empty() &&
        state.vdirs.empty()) {
      throw Error(ErrorKind::input, fmt::format("--server-export {}: no export of a certificate, binding, Auth "
                                                "configuration, connector or virtual directory in it",
                                                dir));
    }
    auto installed = exports::audit_certificates(state, topo);
    for (std::size_t i = 0; i < installed.size(); ++i) {
      try {
        installed[i].chain = chains.check(state.certificates[i].der, installed[i].source, at);
      } catch (const Error& e) {
        // A certificate only the DER walk could read: no chain to build, untrusted.
        installed[i].chain.status = e.message();
      }
    }
    certs.insert(certs.end(), installed.begin(), installed.end());
    const auto f = exports::judge_installed(state, namespaces, at);
    findings.insert(findings.end(), f.begin(), f.end());
  }
  return findings;
}

std::uint64_t add_server_export_certificates(const std::vector<std::string>& dirs, ExpiryReport& report,
                                             std::uint64_t order) {
  for (const auto& dir : dirs) {
    const auto state = load_server_export(dir);
    for (const auto& c : state.certificates) {
      report.add(order++, fmt::format("{} {}", dir, c.thumbprint), c.info);
    }
  }
  return order;
}

} // namespace certplan::cli
