// The one place errors are caught and turned into exit statuses.
#include "cli/cli.hpp"

#include <certplan/error.hpp>
#include <certplan/io.hpp>
#include <certplan/render.hpp>
#include <certplan/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <ctime>
#include <ostream>
#include <regex>

namespace certplan::cli {
namespace {

// The text of the line an input error points at, read again from its file (at most the first
// 16 MiB are looked through): none when the file cannot be read or is not that long.
std::optional<std::string> source_line(const SourcePos& where) {
  if (where.line == 0 || where.file.empty()) {
    return std::nullopt;
  }
  std::ifstream in(where.file, std::ios::binary);
  std::string line;
  std::size_t read = 0;
  for (std::uint32_t n = 1; std::getline(in, line); ++n) {
    read += line.size() + 1;
    if (n == where.line) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      return line;
    }
    if (read > (16u << 20)) {
      break;
    }
  }
  return std::nullopt;
}

// The commands of cli.md, in its order, each with the examples of its own --help.
const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> k_commands = {
      {"plan", "namespaces, certificate plan, DNS records and per-client warnings for a topology", setup_plan,
       "certplan plan contoso.toml\n  certplan plan contoso.toml --format json -o plan.json\n"
       "  certplan plan hosted.toml --compare-autodiscover"},
      {"csr", "a private key and a PKCS#10 request per planned certificate, plus a manifest", setup_csr,
       "certplan csr contoso.toml --out requests --passphrase-file pass.txt\n"
       "  certplan csr contoso.toml --check issued-elsewhere.csr"},
      {"deploy", "Exchange Management Shell steps per certificate and server (import, bind, URLs) and the renewal plan",
       setup_deploy,
       "certplan deploy contoso.toml --format ps1 -o deploy.ps1\n  certplan deploy contoso.toml --cert redmond --server EX01\n"
       "  certplan deploy contoso.toml --format ics -o renewals.ics"},
      {"audit", "every endpoint x every supported client: covered or not, and why", setup_audit,
       "certplan audit contoso.toml mail.pem --trust roots.pem\n  certplan audit contoso.toml --live\n"
       "  certplan audit contoso.toml mail.contoso.com:443 --connect-to ::10.0.0.5:443\n"
       "  certplan audit contoso.toml --server-export exports/EX01"},
      {"expiry", "expiry report over certificate files, folders and live host:port endpoints", setup_expiry,
       "certplan expiry /etc/letsencrypt/live --warn 30 --crit 7\n"
       "  certplan expiry mail.contoso.com:443 --format nagios\n"
       "  certplan expiry --topology contoso.toml --format prometheus"},
      {"collect", "the PowerShell collector that makes a server's exports for --server-export", setup_collect,
       "certplan collect -o collect.ps1\n  certplan collect --dir 'D:\\exports' -o collect.ps1"},
      {"match", "does this certificate cover these names (strict RFC 9525, or --client ID)", setup_match,
       "certplan match mail.pem mail.contoso.com autodiscover.contoso.com\n"
       "  certplan match wildcard.pem mail.contoso.com --client windows-mobile-5"},
      {"clients", "the built-in client profiles", setup_clients, "certplan clients --format markdown"},
      {"rules", "the rules every verdict cites (domain.md R1-R20 and certplan's own checks)", setup_rules,
       "certplan rules\n  certplan rules --format json"},
      {"explain", "one rule in full: what it checks, its sources and effective dates", setup_explain,
       "certplan explain R12"},
      {"init", "print a commented starter topology for a model", setup_init,
       "certplan init --model regional > contoso.toml"},
      {"trace", "simulate a client's autodiscover lookup for USER@DOMAIN over the plan", setup_trace,
       "certplan trace user@contoso.com contoso.toml\n  certplan trace user@tenant.com hosted.toml --client ios-mail"},
      {"tenant", "hosted model: add or remove a tenant in the topology and print its runbook", setup_tenant,
       "certplan tenant add hosted.toml --name Fabrikam --domain fabrikam.com\n"
       "  certplan tenant remove hosted.toml --name Fabrikam"},
  };
  return k_commands;
}

const char* k_exit_status = R"(
EXIT STATUS
  0  done, nothing to report
  1  done, with warnings
  2  done, with failures (a client that will fail, an uncovered endpoint)
  3  could not do the job: usage error or invalid input (the message names file:line:column)
)";

std::string footer(const std::string& examples) { return std::string(k_exit_status) + "\nEXAMPLES\n  " + examples + "\n"; }

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

void add_common_options(CLI::App& app, CommonOptions& opts, const std::vector<std::string>& formats, unsigned uses) {
  app.add_option("--format", opts.format, fmt::format("output format: {}", fmt::join(formats, ", ")))
      ->capture_default_str()
      ->check(CLI::IsMember(formats));
  app.add_option("-o,--output", opts.output, "write to FILE (atomically) instead of standard output");
  if ((uses & uses_at) != 0) {
    app.add_option("--at", opts.at, "reference time for validity decisions, YYYY-MM-DD[THH:MM:SSZ] (default: now)")
        ->check([](const std::string& s) {
          return valid_reference_time(s)
                     ? std::string()
                     : fmt::format("\"{}\" is not a real UTC time; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", s);
        });
  }
  if ((uses & uses_file_size) != 0) {
    app.add_option("--max-file-size", opts.limits.max_file_bytes, "bytes: a larger input file read whole is refused")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{1} << 40));
  }
  if ((uses & uses_certs) != 0) {
    app.add_option("--max-certs", opts.limits.max_certificates, "certificates: a larger bundle read whole is refused")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  }
  if ((uses & uses_tenants) != 0) {
    app.add_option("--max-tenants", opts.limits.max_tenants, "tenants: a topology with more is refused")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  }
  if ((uses & uses_color) != 0) {
    app.add_flag("--no-color", opts.no_color, "no ANSI colours on a terminal (NO_COLOR is honoured too)");
  }
}

std::string naming_flag(std::string message, const std::optional<Limit>& limit) {
  if (!limit) {
    return message;
  }
  const char* flag = "";
  switch (*limit) {
  case Limit::file_size: flag = "--max-file-size"; break;
  case Limit::certificates: flag = "--max-certs"; break;
  case Limit::tenants: flag = "--max-tenants"; break;
  case Limit::block_size: flag = "--max-block-size"; break;
  case Limit::chain: flag = "--max-chain"; break;
  }
  return fmt::format("{} ({})", message, flag);
}

int exit_for(Severity worst) {
  switch (worst) {
  case Severity::info: return exit_ok;
  case Severity::warning: return exit_warning;
  case Severity::failure: return exit_failure;
  }
  return exit_failure;
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
  app.footer(footer("certplan init --model regional > contoso.toml\n  certplan plan contoso.toml\n"
                    "  certplan audit contoso.toml --live\n  certplan expiry /etc/ssl/private --format nagios"));
  app.set_version_flag("--version", std::string("certplan ") + k_version);
  Action action;
  for (const auto& spec : commands()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    sub->footer(footer(spec.examples));
    spec.setup(*sub, action);
  }
  // A first word that is neither an option nor a command is a command the user mistyped:
  // CLI11 alone would say "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    const std::string word = argv[1];
    const auto& all = commands();
    if (std::none_of(all.begin(), all.end(), [&](const CommandSpec& c) { return word == c.name; })) {
      std::vector<std::string> names;
      for (const auto& c : all) {
        names.emplace_back(c.name);
      }
      err << "certplan: error: unknown command \"" << word << "\"; commands: " << fmt::format("{}", fmt::join(names, ", "))
          << "\nRun with --help for usage.\n";
      return exit_unusable;
    }
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
    err << "certplan: " << (e.where() ? e.where()->to_string() + ": " : std::string()) << "error: " << naming_flag(e.message(), e.limit())
        << "\n";
    if (const auto line = e.where() ? source_line(*e.where()) : std::nullopt) {
      err << render_source_excerpt(*e.where(), *line);
    }
    return exit_unusable;
  } catch (const std::exception& e) {
    err << "certplan: internal error: " << e.what() << "\n";
    return exit_unusable;
  }
}

} // namespace certplan::cli
