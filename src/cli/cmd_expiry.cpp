#include "cli/cli.hpp"
#include "cli/server_export.hpp"

#include <certplan/error.hpp>
#include <certplan/expiry.hpp>
#include <certplan/clients.hpp>
#include <certplan/io.hpp>
#include <certplan/live.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/quote.hpp>
#include <certplan/render.hpp>
#include <certplan/scan.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace certplan::cli {
namespace {

struct ExpiryOptions {
  CommonOptions common;
  // --format as the enum, mapped once parsing succeeded (add_common_options checked the name).
  ExpiryFormat format = ExpiryFormat::text;
  std::vector<std::string> sources;
  std::vector<std::string> server_exports;
  std::string warn = "30";
  std::string crit = "7";
  std::string sni;
  std::string starttls;
  int timeout = 10;
  std::size_t max_chain = 16;
  std::size_t max_block = ScanLimits{}.max_block_bytes;
  bool progress = false;
  bool no_progress = false;
  std::string topology;
  std::vector<std::string> connect_to;
  std::string trust;
  bool no_verify = false;
  // Probes are network-bound: 16 at once keeps 1,500 endpoints at 10 s each under 16 min in
  // the worst case (every one timing out) without 1,500 threads and sockets.
  std::size_t jobs = 16;
};

// Feeds the report and tells stderr about every unreadable source as it is found.
class ReportSink final : public ScanSink {
public:
  ReportSink(ExpiryReport& report, std::ostream& err) : m_report(report), m_err(err) {}
  void certificate(std::uint64_t order, const std::string& source, CertificateInfo&& cert) override {
    m_report.add(order, source, cert);
  }
  void problem(std::uint64_t order, SourceProblem p) override {
    p.message = naming_flag(std::move(p.message), p.limit);
    m_err << "certplan: " << p.message << "\n";
    m_report.add_problem(order, std::move(p));
  }
  void skipped(std::uint64_t order, const std::string& source) override { m_report.add_skipped(order, source); }

private:
  ExpiryReport& m_report;
  std::ostream& m_err;
};

// "scanned N files (M MiB)" on one rewritten stderr line, at most ten times a second.
class Progress {
public:
  explicit Progress(bool on) : m_on(on) {}
  ~Progress() { done(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void operator()(const ScanProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (!m_on || now - m_last < std::chrono::milliseconds(100)) {
      return;
    }
    m_last = now;
    m_shown = true;
    std::cerr << fmt::format("\rcertplan: scanned {} files ({:.1f} MiB)\x1b[K", p.files, static_cast<double>(p.bytes) / 1048576.0)
              << std::flush;
  }
  void done() {
    if (m_shown) {
      std::cerr << "\r\x1b[K" << std::flush;
      m_shown = false;
    }
  }

private:
  bool m_on;
  bool m_shown = false;
  std::chrono::steady_clock::time_point m_last{};
};

int run_expiry(const ExpiryOptions& o, Io& io) {
  if (o.sources.empty() && o.topology.empty() && o.server_exports.empty()) {
    throw Error(ErrorKind::usage, "expiry needs a SOURCE (file, folder, host:port) or --topology FILE");
  }
  const Threshold warn = parse_threshold(o.warn);
  const Threshold crit = parse_threshold(o.crit);
  std::vector<std::string> paths;
  std::vector<LiveTarget> endpoints;
  const auto add_endpoint = [&](const std::string& host, unsigned port) {
    // The given or planned port says which protocol, wherever --connect-to sends the probe.
    LiveTarget e{fmt::format("{}:{}", host, port), host, port, o.sni.empty() ? host : o.sni, starttls_for(o.starttls, port)};
    apply_connect_to(e, host, port, o.connect_to);
    endpoints.push_back(std::move(e));
  };
  for (const auto& s : o.sources) {
    std::error_code ec;
    const HostPort hp = std::filesystem::exists(s, ec) ? HostPort{} : parse_host_port(s);
    if (!hp.host.empty()) {
      add_endpoint(hp.host, hp.port);
    } else {
      paths.push_back(s);
    }
  }
  if (!o.topology.empty()) {
    // Every name the plan puts on a certificate, where its clients connect, SNI = the name.
    const auto& catalog = ClientCatalog::builtin();
    for (const auto& p : planned_endpoints(make_plan(load_topology(o.topology, catalog, o.common.limits), catalog))) {
      add_endpoint(p.host, p.port);
    }
  }
  const auto spill = make_file_spill();
  ExpiryReport report(*spill, reference_time(o.common), warn, crit, expiry_format_shows_sans(o.format));
  ReportSink sink(report, io.err);
  ScanLimits limits;
  limits.max_block_bytes = o.max_block;
  limits.max_der_file_bytes = static_cast<std::size_t>(o.common.limits.max_file_bytes); // PEM files stream
  limits.sans = expiry_format_shows_sans(o.format) ? SanLists::read : SanLists::skip;
  // Only a person watching a terminal wants the progress line; cron and pipes do not.
  Progress progress(!o.no_progress && (o.progress || (&io.err == &std::cerr && ::isatty(STDERR_FILENO) != 0)));
  std::uint64_t order = scan_paths(paths, sink, limits, 0, [&](const ScanProgress& p) { progress(p); });
  progress.done();
  order = add_server_export_certificates(o.server_exports, report, order);

  // Live endpoints, probed concurrently by at most --jobs threads (issue 14 part 5: a thread
  // per endpoint was 1,510 threads for 1,509 planned endpoints); a dead one is reported and
  // counts as critical.
  const std::vector<ProbeResult> probes = probe_all(endpoints, {o.jobs, o.timeout * 1000, o.max_chain});
  // The system store or --trust, loaded once and only when an endpoint is verified.
  std::unique_ptr<ChainValidator> chains;
  if (!endpoints.empty() && !o.no_verify) {
    chains = std::make_unique<ChainValidator>(o.trust);
  }
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const std::uint64_t at = order++;
    if (probes[i].chain.empty()) {
      sink.problem(at, {endpoints[i].label, endpoints[i].label + ": " + probes[i].error, true, probes[i].limit});
      report.add_probe(at, {endpoints[i].label, false, 0});
      continue;
    }
    const ServedVerdict v = judge_served(endpoints[i].sni, probes[i], chains.get(), report.at_unix());
    const CertificateInfo& shown = probes[i].chain[v.reported];
    report.add(at, endpoints[i].label, shown, v.note, v.failed);
    long long earliest = shown.not_after_unix;
    for (const auto& c : probes[i].chain) {
      earliest = std::min(earliest, c.not_after_unix);
    }
    // blackbox_exporter's probe_success: 0 when the handshake's chain does not verify.
    report.add_probe(at, {endpoints[i].label, !v.failed, earliest});
    if (v.failed) {
      io.err << "certplan: " << endpoints[i].label << ": " << v.note << "\n";
    }
  }
  report.finish();
  // Only files and nothing readable is "could not do the job"; a dead server is a finding
  // (critical), reported like any other, as monitoring plugins do.
  if (report.size() == 0 && endpoints.empty()) {
    throw Error(ErrorKind::input, "no certificate could be read from the sources given");
  }
  // Colour only on a terminal, never into a file or a pipe, and not when NO_COLOR is set.
  const bool color = o.format == ExpiryFormat::text && !o.common.no_color && (o.common.output.empty() || o.common.output == "-") &&
                     &io.out == &std::cout && ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  emit_stream(o.common, io, [&](std::ostream& out) { render_expiry(report, o.format, out, color); });
  // Nagios' critical is certplan's failure (cli.md): the one exit mapping decides.
  const Overall overall = report.overall();
  return exit_for(overall == Overall::ok        ? Severity::info
                  : overall == Overall::warning ? Severity::warning
                                                : Severity::failure);
}

} // namespace

void setup_expiry(CLI::App& sub, Action& action) {
  auto o = std::make_shared<ExpiryOptions>();
  sub.add_option("SOURCE", o->sources, "certificate files (PEM bundles, DER), folders (recursive) and live host:port");
  sub.add_option("--warn", o->warn, "warning window: days (30) or share of the lifetime left (33%)")->capture_default_str();
  sub.add_option("--crit", o->crit, "critical window: days (7) or share of the lifetime left")->capture_default_str();
  sub.add_option("--server-export", o->server_exports, "folder of an Exchange server's exports (Export-Clixml or "
                                                       "ConvertTo-Json): its certificates; repeat for each server");
  sub.add_option("--sni", o->sni, "server name to send to live endpoints (default: the host given)");
  sub.add_option("--starttls", o->starttls, "smtp | imap | pop3 | none (default: implied by ports 25/587, 143, 110)")
      ->check(CLI::IsMember({"smtp", "imap", "pop3", "none"}));
  sub.add_option("--timeout", o->timeout, "seconds for each live endpoint, all included (connect, STARTTLS, handshake)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  sub.add_option("--max-chain", o->max_chain, "certificates: a live endpoint sending a longer chain is reported, not read")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  sub.add_option("--max-block-size", o->max_block, "bytes: a longer PEM certificate block is reported, not read")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
  sub.add_option("--topology", o->topology, "also probe every endpoint the topology plans (SNI = each name; 443, 993, 995, 25)")
      ->check(CLI::ExistingFile);
  sub.add_option("--connect-to", o->connect_to,
                 "HOST1:PORT1:HOST2:PORT2: probe HOST2:PORT2 for HOST1:PORT1, keeping the name and SNI (as curl)");
  sub.add_option("--trust", o->trust, "PEM bundle of roots to validate live chains against (default: the system store)")
      ->check(CLI::ExistingFile);
  sub.add_option("--jobs", o->jobs, "live endpoints probed at once")->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  sub.add_flag("--no-verify", o->no_verify, "live endpoints: judge the dates only, not the name or the chain");
  sub.add_flag("--progress", o->progress, "show progress on stderr even when it is not a terminal");
  sub.add_flag("--no-progress", o->no_progress, "never show progress");
  add_common_options(sub, o->common, {"text", "json", "markdown", "csv", "prometheus", "ics", "nagios"},
                     uses_at | uses_topology | uses_color);
  sub.callback([o, &action] {
    o->format = *expiry_format_from_string(o->common.format);
    action = [o](Io& io) {
      if (o->format != ExpiryFormat::nagios) {
        return run_expiry(*o, io);
      }
      // A check that cannot run says UNKNOWN on its status line, exit 3 (Monitoring Plugins
      // Development Guidelines, "Plugin Return Codes"), not only on stderr.
      try {
        return run_expiry(*o, io);
      } catch (const Error& e) {
        io.out << "CERTPLAN UNKNOWN - " << quote::nagios_text(e.message()) << "\n";
        io.err << "certplan: error: " << e.message() << "\n";
        return static_cast<int>(exit_unusable);
      }
    };
  });
}

} // namespace certplan::cli
