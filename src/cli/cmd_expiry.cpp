#include "cli/cli.hpp"

#include <certplan/error.hpp>
#include <certplan/expiry.hpp>
#include <certplan/io.hpp>

#include <filesystem>
#include <memory>
#include <regex>
#include <thread>

namespace certplan::cli {
namespace {

struct ExpiryOptions {
  CommonOptions common;
  std::vector<std::string> sources;
  std::string warn = "30";
  std::string crit = "7";
  std::string sni;
  std::string starttls;
  int timeout = 10;
};

// --starttls, or what the well-known port implies (25/587 SMTP, 143 IMAP, 110 POP3).
StartTls starttls_for(const std::string& flag, unsigned port) {
  if (flag == "smtp" || (flag.empty() && (port == 25 || port == 587))) {
    return StartTls::smtp;
  }
  if (flag == "imap" || (flag.empty() && port == 143)) {
    return StartTls::imap;
  }
  if (flag == "pop3" || (flag.empty() && port == 110)) {
    return StartTls::pop3;
  }
  if (!flag.empty() && flag != "none") {
    throw Error(ErrorKind::usage, "--starttls must be smtp, imap, pop3 or none");
  }
  return StartTls::none;
}

int run_expiry(const ExpiryOptions& o, Io& io) {
  const Threshold warn = parse_threshold(o.warn);
  const Threshold crit = parse_threshold(o.crit);
  std::vector<std::pair<std::string, CertificateInfo>> found;
  std::vector<SourceProblem> problems;
  const auto scan_file = [&](const std::string& path) {
    try {
      for (auto& c : read_certificates(read_file(path), path)) {
        found.emplace_back(path, std::move(c));
      }
    } catch (const Error& e) {
      problems.push_back({path, e.message()});
      io.err << "certplan: " << e.message() << "\n";
    }
  };
  static const std::regex k_endpoint(R"(^[A-Za-z0-9.\-]+:[0-9]{1,5}$)");
  std::vector<std::string> endpoints;
  for (const auto& s : o.sources) {
    std::error_code ec;
    if (std::filesystem::is_directory(s, ec)) {
      // Sorted, so reports and problems come out in the same order every run.
      std::vector<std::string> files;
      for (auto it = std::filesystem::recursive_directory_iterator(s, std::filesystem::directory_options::skip_permission_denied, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) {
          files.push_back(it->path().string());
        }
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        scan_file(f);
      }
    } else if (!std::filesystem::exists(s, ec) && std::regex_match(s, k_endpoint)) {
      endpoints.push_back(s);
    } else {
      scan_file(s);
    }
  }
  // Live endpoints, probed concurrently; a dead one is reported and counts as critical.
  std::vector<ProbeResult> probes(endpoints.size());
  {
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      const auto colon = endpoints[i].rfind(':');
      const std::string host = endpoints[i].substr(0, colon);
      const auto port = static_cast<unsigned>(std::stoul(endpoints[i].substr(colon + 1)));
      const StartTls kind = starttls_for(o.starttls, port);
      pool.emplace_back([&probes, i, host, port, kind, &o] {
        probes[i] = probe_endpoint(host, port, o.sni.empty() ? host : o.sni, kind, o.timeout * 1000);
      });
    }
    for (auto& t : pool) {
      t.join();
    }
  }
  bool dead = false;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    if (probes[i].chain.empty()) {
      dead = true;
      problems.push_back({endpoints[i], endpoints[i] + ": " + probes[i].error});
      io.err << "certplan: " << endpoints[i] << ": " << probes[i].error << "\n";
      continue;
    }
    found.emplace_back(endpoints[i], probes[i].chain.front()); // the leaf is what expires for clients
  }
  if (found.empty()) {
    throw Error(ErrorKind::input, "no certificate could be read from the sources given");
  }
  const auto report = make_expiry_report(found, problems, reference_time(o.common), warn, crit);
  emit(o.common, io, render_expiry(report, o.common.format));
  ExpiryStatus worst = ExpiryStatus::ok;
  for (const auto& e : report.certificates) {
    worst = std::max(worst, e.status);
  }
  if (dead) {
    return exit_failure;
  }
  return worst == ExpiryStatus::ok ? (report.problems.empty() ? exit_ok : exit_warning)
         : worst == ExpiryStatus::warning ? exit_warning
                                          : exit_failure;
}

} // namespace

void setup_expiry(CLI::App& sub, Action& action) {
  auto o = std::make_shared<ExpiryOptions>();
  sub.add_option("SOURCE", o->sources, "certificate files (PEM bundles, DER), folders (recursive) and live host:port")->required();
  sub.add_option("--warn", o->warn, "warning window: days (30) or share of the lifetime left (33%)")->capture_default_str();
  sub.add_option("--crit", o->crit, "critical window: days (7) or share of the lifetime left")->capture_default_str();
  sub.add_option("--sni", o->sni, "server name to send to live endpoints (default: the host given)");
  sub.add_option("--starttls", o->starttls, "smtp | imap | pop3 | none (default: implied by ports 25/587, 143, 110)");
  sub.add_option("--timeout", o->timeout, "seconds for connect and handshake of each live endpoint")->capture_default_str();
  add_common_options(sub, o->common, {"text", "json", "markdown", "csv", "prometheus", "ics"});
  sub.callback([o, &action] { action = [o](Io& io) { return run_expiry(*o, io); }; });
}

} // namespace certplan::cli
