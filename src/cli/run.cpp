// The one place errors are caught and turned into exit statuses.
#include "cli/cli.hpp"

#include <certplan/error.hpp>
#include <certplan/io.hpp>
#include <certplan/render.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <ostream>
#include <regex>

namespace certplan::cli {
namespace {

// The commands of cli.md, in its order; the later issues add csr, audit, expiry, match.
const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> k_commands = {
      {"plan", "namespaces, certificate plan, DNS records and per-client warnings for a topology", setup_plan},
      {"csr", "a private key and a PKCS#10 request per planned certificate, plus a manifest", setup_csr},
      {"deploy", "Exchange Management Shell steps per certificate and server (import, bind, URLs) and the renewal plan", setup_deploy},
      {"audit", "every endpoint x every supported client: covered or not, and why", setup_audit},
      {"expiry", "expiry report over certificate files, folders and live host:port endpoints", setup_expiry},
      {"match", "does this certificate cover these names (strict RFC 9525, or --client ID)", setup_match},
      {"clients", "the built-in client profiles", setup_clients},
      {"rules", "the rules every verdict cites (domain.md R1-R20 and certplan's own checks)", setup_rules},
      {"explain", "one rule in full: what it checks, its sources and effective dates", setup_explain},
      {"init", "print a commented starter topology for a model", setup_init},
      {"trace", "simulate a client's autodiscover lookup for USER@DOMAIN over the plan", setup_trace},
      {"tenant", "hosted model: add or remove a tenant in the topology and print its runbook", setup_tenant},
  };
  return k_commands;
}

const char* k_footer = R"(
EXIT STATUS
  0  done, nothing to report
  1  done, with warnings
  2  done, with failures (a client that will fail, an uncovered endpoint)
  3  could not do the job: usage error or invalid input (the message names file:line:column)

EXAMPLES
  certplan init --model regional > contoso.toml
  certplan plan contoso.toml
  certplan plan contoso.toml --format json -o plan.json
  certplan clients --format markdown)";

// cli.md: --at is a usage error unless it names a real instant. The shape alone is not enough:
// timegm normalises out-of-range fields, so "2026-02-30" would silently become 2 March and every
// validity decision would be made a day or more away from the time the user asked for.
bool valid_reference_time(const std::string& s) {
  static const std::regex k_re(R"((\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?)");
  std::smatch m;
  if (!std::regex_match(s, m, k_re)) {
    return false;
  }
  const int year = std::stoi(m[1].str());
  const int month = std::stoi(m[2].str());
  const int day = std::stoi(m[3].str());
  if (month < 1 || month > 12 || day < 1) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > k_days[month - 1] + (month == 2 && leap ? 1 : 0)) {
    return false;
  }
  if (!m[4].matched) {
    return true;
  }
  // RFC 3339 allows 24:00:00 nowhere and a leap second (:60) only where one was inserted;
  // a reference time is a user's choice, so :60 is refused rather than guessed at.
  return std::stoi(m[4].str()) <= 23 && std::stoi(m[5].str()) <= 59 && std::stoi(m[6].str()) <= 59;
}

} // namespace

void add_common_options(CLI::App& app, CommonOptions& opts, const std::vector<std::string>& formats) {
  app.add_option("--format", opts.format, fmt::format("output format: {}", fmt::join(formats, ", ")))
      ->capture_default_str()
      ->check(CLI::IsMember(formats));
  app.add_option("-o,--output", opts.output, "write to FILE (atomically) instead of standard output");
  app.add_option("--at", opts.at, "reference time for validity decisions, YYYY-MM-DD[THH:MM:SSZ] (default: now)")
      ->check([](const std::string& s) {
        return valid_reference_time(s)
                   ? std::string()
                   : fmt::format("\"{}\" is not a real UTC time; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", s);
      });
  app.add_option("--max-file-size", input_limits().max_file_bytes, "bytes: a larger input file read whole is refused")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 40));
  app.add_option("--max-certs", input_limits().max_certificates, "certificates: a larger bundle read whole is refused")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  app.add_option("--max-tenants", input_limits().max_tenants, "tenants: a topology with more is refused")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  app.add_flag("--no-color", opts.no_color, "no ANSI colours (expiry colours statuses on a terminal; NO_COLOR is honoured too)");
}

Format output_format(const CommonOptions& opts) { return format_from_string(opts.format).value_or(Format::text); }

long long reference_time(const CommonOptions& opts) {
  if (opts.at.empty()) {
    return static_cast<long long>(std::time(nullptr));
  }
  std::tm tm{};
  std::sscanf(opts.at.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
              &tm.tm_sec);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(::timegm(&tm));
}

void emit(const CommonOptions& opts, Io& io, const std::string& text) {
  if (opts.output.empty() || opts.output == "-") {
    io.out << text;
    io.out.flush();
    return;
  }
  write_file_atomic(opts.output, text);
}

void emit_stream(const CommonOptions& opts, Io& io, const std::function<void(std::ostream&)>& write) {
  if (opts.output.empty() || opts.output == "-") {
    write(io.out);
    io.out.flush();
    return;
  }
  write_file_atomic_stream(opts.output, write);
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  Io io{out, err};
  CLI::App app("certplan: plan TLS certificates and host-name namespaces for Exchange-style client access", "certplan");
  app.require_subcommand(1);
  app.footer(k_footer);
  app.set_version_flag("--version", "certplan 0.1.0");
  Action action;
  for (const auto& spec : commands()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    sub->footer(k_footer);
    spec.setup(*sub, action);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << "certplan: error: " << e.what() << "\n";
    err << "Run with --help for usage.\n";
    return exit_unusable;
  }
  try {
    return action(io);
  } catch (const Error& e) {
    err << "certplan: " << (e.where() ? e.where()->to_string() + ": " : std::string()) << "error: " << e.message()
        << "\n";
    return exit_unusable;
  } catch (const std::exception& e) {
    err << "certplan: internal error: " << e.what() << "\n";
    return exit_unusable;
  }
}

} // namespace certplan::cli
