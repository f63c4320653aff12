#include "util/text.hpp"
#include "cli/cli.hpp"

#include <certplan/clients.hpp>
#include <certplan/csr.hpp>
#include <certplan/io.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <termios.h>
#include <thread>
#include <unistd.h>

namespace certplan::cli {
namespace {

struct CsrOptions {
  CommonOptions common;
  std::string topology;
  std::string out_dir;
  std::vector<std::string> certs;
  std::string key_type;
  std::string passphrase_file;
  std::string passphrase_env;
  bool passphrase_prompt = false;
  bool force = false;
  unsigned jobs = 0;
  std::string check;
};

// Passphrases never come from argv (they would show in ps and shell history).
std::optional<std::string> passphrase(const CsrOptions& o) {
  if (!o.passphrase_file.empty()) {
    std::string p = read_file(o.passphrase_file, o.common.limits);
    if (const auto nl = p.find_first_of("\r\n"); nl != std::string::npos) {
      p.erase(nl);
    }
    if (p.empty()) {
      throw Error(ErrorKind::input, o.passphrase_file + ": the passphrase file is empty");
    }
    return p;
  }
  if (!o.passphrase_env.empty()) {
    const char* v = std::getenv(o.passphrase_env.c_str());
    if (v == nullptr || *v == '\0') {
      throw Error(ErrorKind::usage, "environment variable " + o.passphrase_env + " is not set or empty");
    }
    return std::string(v);
  }
  if (o.passphrase_prompt) {
    std::FILE* tty = std::fopen("/dev/tty", "r+");
    if (tty == nullptr) {
      throw Error(ErrorKind::usage, "--passphrase-prompt needs a terminal");
    }
    termios old{};
    ::tcgetattr(fileno(tty), &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    std::fputs("Key passphrase: ", tty);
    char buf[1024] = {};
    const bool ok = std::fgets(buf, sizeof buf, tty) != nullptr;
    ::tcsetattr(fileno(tty), TCSAFLUSH, &old);
    std::fputs("\n", tty);
    std::fclose(tty);
    std::string p = ok ? std::string(buf) : std::string();
    if (const auto nl = p.find_first_of("\r\n"); nl != std::string::npos) {
      p.erase(nl);
    }
    if (p.empty()) {
      throw Error(ErrorKind::usage, "empty passphrase");
    }
    return p;
  }
  return std::nullopt;
}

std::string utc_stamp(const std::string& at) {
  if (!at.empty()) {
    std::string s;
    for (const char c : at) {
      if (c != '-' && c != ':') {
        s += c;
      }
    }
    return s;
  }
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

int run_check(const CsrOptions& o, Io& io, const Plan& plan) {
  const auto info = read_request(read_file(o.check, o.common.limits), o.check);
  const auto r = check_request(plan, info);
  const auto format = output_format(o.common);
  if (format == Format::json) {
    const nlohmann::ordered_json j{{"schema", "certplan.csr-check/1"},
                                   {"request", o.check},
                                   {"certificate", r.certificate},
                                   {"cn", info.cn},
                                   {"planned_cn", r.planned_cn},
                                   {"sans", info.sans},
                                   {"missing", r.missing},
                                   {"extra", r.extra},
                                   {"order_ok", r.order_ok},
                                   {"signature_valid", info.signature_valid},
                                   {"key_type", info.key_type},
                                   {"status", r.severity == Severity::info      ? "ok"
                                              : r.severity == Severity::warning ? "warning"
                                                                                : "fail"},
                                   {"notes", r.notes}};
    emit(o.common, io, j.dump(2) + "\n");
  } else {
    std::string out = info.signature_valid || !info.key_type.empty()
                          ? fmt::format("{}: CN={}, {}, {}, signature {}\n", o.check, info.cn, util::plural(info.sans.size(), "SAN", "SANs"),
                                        info.key_type, info.signature_valid ? "valid" : "INVALID")
                          : fmt::format("{}: signature INVALID\n", o.check);
    for (const auto& n : r.notes) {
      out += "  " + n + "\n";
    }
    emit(o.common, io, out);
  }
  return exit_for(r.severity);
}

int run_csr(const CsrOptions& o, Io& io) {
  const auto& catalog = ClientCatalog::builtin();
  const Topology topo = load_topology(o.topology, catalog, o.common.limits);
  const Plan plan = make_plan(topo, catalog);
  if (!o.check.empty()) {
    return run_check(o, io, plan);
  }
  if (o.out_dir.empty()) {
    throw Error(ErrorKind::usage, "--out DIR is required (or --check REQUEST)");
  }
  std::optional<KeySpec> key;
  if (!o.key_type.empty()) {
    const auto colon = o.key_type.find(':');
    key = KeySpec{o.key_type.substr(0, colon), colon == std::string::npos ? "" : o.key_type.substr(colon + 1)};
  }
  const auto pass = passphrase(o);
  // Refuse before spending time on keys when a key would be overwritten.
  {
    FileSet probe(o.out_dir);
    for (const auto& c : plan.certificates) {
      if (o.certs.empty() || std::find(o.certs.begin(), o.certs.end(), c.id) != o.certs.end()) {
        probe.add(c.id + ".key", "", 0600, FileSet::Existing::refuse);
      }
    }
    const auto existing = probe.conflicts();
    if (!existing.empty() && !o.force) {
      throw Error(ErrorKind::input, fmt::format("{}: {} already exist{}; certplan never overwrites a private key "
                                                "(--force moves the old files aside first; nothing was written)",
                                                o.out_dir, fmt::join(existing, ", "), existing.size() == 1 ? "s" : ""));
    }
  }
  const unsigned jobs = o.jobs != 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  const auto outputs = make_requests(plan, topo, o.certs, key, pass, jobs);
  // Write only requests csr --check passes: a key the server cannot use (R10: ECDSA on
  // Exchange before 2016) or a request a CA refuses can only fail later, after the purchase,
  // so refuse now and write nothing. The judge is csr --check's, which asks the registry.
  std::vector<std::string> refused;
  for (const auto& r : outputs) {
    const auto judged = check_request(plan, read_request(r.csr_pem, r.id + ".csr"));
    if (judged.severity == Severity::failure) {
      refused.push_back(fmt::format("{}: {}", r.id, fmt::join(judged.notes, "; ")));
    }
  }
  if (!refused.empty()) {
    const std::string what = fmt::format("{}; nothing was written", fmt::join(refused, "\n  "));
    if (!o.key_type.empty()) {
      const std::string instead = o.key_type.starts_with("ecdsa")
                                      ? fmt::format(" (for Exchange {} use --key-type rsa:2048)",
                                                    to_string(topo.organization.exchange))
                                      : "";
      throw Error(ErrorKind::usage,
                  fmt::format("--key-type {}: the requests would fail:\n  {}{}", o.key_type, what, instead));
    }
    throw Error(ErrorKind::input, fmt::format("the planned requests would fail:\n  {}", what), SourcePos{o.topology});
  }
  FileSet files(o.out_dir);
  for (const auto& r : outputs) {
    files.add(r.id + ".key", r.key_pem, 0600, FileSet::Existing::refuse);
    files.add(r.id + ".csr", r.csr_pem, 0644, FileSet::Existing::refuse);
    files.add(r.id + ".ps1", r.ps1, 0644, FileSet::Existing::replace);
    files.add(r.id + ".cnf", r.cnf, 0644, FileSet::Existing::replace);
  }
  files.add("manifest.json", csr_manifest(outputs), 0644, FileSet::Existing::replace);
  files.commit(o.force ? "." + utc_stamp(o.common.at) : "");
  std::string text;
  for (const auto& r : outputs) {
    text += fmt::format("{}/{}.key  {}/{}.csr  {}  CN={}  {}\n", o.out_dir, r.id, o.out_dir, r.id, r.key_type, r.cn,
                        util::plural(r.sans.size(), "SAN", "SANs"));
  }
  if (!outputs.empty()) {
    text += "Two alternatives per certificate, not two steps: ID.key + ID.csr (a key made by certplan; certplan deploy "
            "--key certplan) or ID.ps1 (a request made on the Exchange server with a key of its own; certplan deploy "
            "--key server). ID.cnf makes the same request with openssl.\n";
  }
  emit(o.common, io, output_format(o.common) == Format::json ? csr_manifest(outputs) : text);
  return exit_ok;
}

} // namespace

void setup_csr(CLI::App& sub, Action& action) {
  auto o = std::make_shared<CsrOptions>();
  sub.add_option("TOPOLOGY", o->topology, "topology file")->required();
  sub.add_option("--out", o->out_dir, "directory for ID.key, ID.csr, ID.ps1, ID.cnf and manifest.json");
  sub.add_option("--cert", o->certs, "only this planned certificate id (repeatable)");
  sub.add_option("--key-type", o->key_type, "rsa:2048 | rsa:3072 | rsa:4096 | ecdsa:p256 | ecdsa:p384 (default: [certificates] key)");
  auto* pf = sub.add_option("--passphrase-file", o->passphrase_file, "encrypt keys with the passphrase on the first line of FILE");
  auto* pe = sub.add_option("--passphrase-env", o->passphrase_env, "encrypt keys with the passphrase in environment variable VAR");
  auto* pp = sub.add_flag("--passphrase-prompt", o->passphrase_prompt, "encrypt keys with a passphrase read from the terminal");
  pf->excludes(pe)->excludes(pp);
  pe->excludes(pp);
  sub.add_flag("--force", o->force, "move existing key and request files aside (NAME.<UTC time>) instead of refusing");
  sub.add_option("--jobs", o->jobs, "threads for key generation (default: all cores)");
  sub.add_option("--check", o->check, "compare REQUEST (PEM or DER, made elsewhere) with the plan instead");
  add_common_options(sub, o->common, {"text", "json"}, uses_at | uses_topology);
  sub.callback([o, &action] { action = [o](Io& io) { return run_csr(*o, io); }; });
}

} // namespace certplan::cli
