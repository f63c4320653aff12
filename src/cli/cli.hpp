// The thin command line: parse with CLI11, call the library, render, map to an exit code.
#pragma once

#include <certplan/limits.hpp>
#include <certplan/render.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

namespace certplan::cli {

// Exit statuses of cli.md (the monitoring-plugin convention).
enum ExitCode : int { exit_ok = 0, exit_warning = 1, exit_failure = 2, exit_unusable = 3 };

struct Io {
  std::ostream& out;
  std::ostream& err;
};

// --format, -o, --at, --no-color and the --max-* limits, shared by every command.
struct CommonOptions {
  std::string format = "text";
  std::string output;
  std::string at;
  bool no_color = false;
  InputLimits limits; // handed to every reader the command calls
};
// Which of the shared options a command reads (issue 17: an option only where it applies, so
// `certplan init --at 2020-01-01` is refused instead of ignored).
enum Uses : unsigned {
  uses_at = 1,        // --at: the command makes validity decisions
  uses_file_size = 2, // --max-file-size: it reads input files whole
  uses_certs = 4,     // --max-certs: it reads certificate bundles whole
  uses_tenants = 8,   // --max-tenants: it loads a topology
  uses_color = 16,    // --no-color: it colours a terminal
  uses_topology = uses_file_size | uses_tenants,
};
// `formats`: the --format values this command accepts; anything else is a usage error at
// parse time (exit 3), so commands need not check again. --format and -o always.
void add_common_options(CLI::App& app, CommonOptions& opts, const std::vector<std::string>& formats,
                        unsigned uses = uses_at | uses_file_size | uses_certs | uses_tenants);

// `message` from the library about input a limit refused, with the flag that raises it.
std::string naming_flag(std::string message, const std::optional<Limit>& limit);

// The exit status for the worst verdict of a run (cli.md): 0 info, 1 warning, 2 failure.
int exit_for(Severity worst);

// --format as a Format (text, json, markdown); add_common_options has already checked it.
Format output_format(const CommonOptions& opts);

// --at as Unix time (UTC; the flag's check already validated its shape); now when absent.
long long reference_time(const CommonOptions& opts);

// Writes `text` to -o FILE (atomically) or to io.out.
void emit(const CommonOptions& opts, Io& io, const std::string& text);

// Streams output to -o FILE (atomically) or to io.out, for reports too big to build whole.
void emit_stream(const CommonOptions& opts, Io& io, const std::function<void(std::ostream&)>& write);

// The DNS names on the certificates the topology's [[installed]] entries name (files that do
// not exist yet are skipped): a planned name not among them needs fresh domain validation
// (deploy and plan --at, issue 15).
std::vector<std::string> installed_names(const Topology& topo);

// A configured subcommand returns the action to run once parsing succeeded.
using Action = std::function<int(Io&)>;
using Setup = std::function<void(CLI::App& sub, Action& action)>;

struct CommandSpec {
  const char* name;
  const char* description;
  Setup setup;
  const char* examples; // the EXAMPLES of its --help, one command per line
};

void setup_plan(CLI::App& sub, Action& action);
void setup_clients(CLI::App& sub, Action& action);
void setup_init(CLI::App& sub, Action& action);
void setup_trace(CLI::App& sub, Action& action);
void setup_tenant(CLI::App& sub, Action& action);
void setup_csr(CLI::App& sub, Action& action);
void setup_deploy(CLI::App& sub, Action& action);
void setup_audit(CLI::App& sub, Action& action);
void setup_match(CLI::App& sub, Action& action);
void setup_expiry(CLI::App& sub, Action& action);
void setup_rules(CLI::App& sub, Action& action);
void setup_explain(CLI::App& sub, Action& action);
void setup_collect(CLI::App& sub, Action& action);

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

} // namespace certplan::cli
