#include "cli/cli.hpp"

#include <certplan/error.hpp>
#include <certplan/expiry.hpp>
#include <certplan/io.hpp>

#include <filesystem>
#include <memory>
#include <regex>

namespace certplan::cli {
namespace {

struct ExpiryOptions {
  CommonOptions common;
  std::vector<std::string> sources;
  std::string warn = "30";
  std::string crit = "7";
};

int run_expiry(const ExpiryOptions& o, Io& io) {
  static const std::vector<std::string> k_formats = {"text", "json", "markdown", "csv", "prometheus", "ics"};
  if (std::find(k_formats.begin(), k_formats.end(), o.common.format) == k_formats.end()) {
    throw Error(ErrorKind::usage, "--format must be text, json, markdown, csv, prometheus or ics");
  }
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
      problems.push_back({s, "live endpoints are not probed by this build yet (issue 7 is open)"});
      io.err << "certplan: " << s << ": live endpoints are not probed by this build yet\n";
    } else {
      scan_file(s);
    }
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
  return worst == ExpiryStatus::ok ? (report.problems.empty() ? exit_ok : exit_warning)
         : worst == ExpiryStatus::warning ? exit_warning
                                          : exit_failure;
}

} // namespace

void setup_expiry(CLI::App& sub, Action& action) {
  auto o = std::make_shared<ExpiryOptions>();
  sub.add_option("SOURCE", o->sources, "certificate files (PEM bundles, DER) and folders (recursive)")->required();
  sub.add_option("--warn", o->warn, "warning window: days (30) or share of the lifetime left (33%)")->capture_default_str();
  sub.add_option("--crit", o->crit, "critical window: days (7) or share of the lifetime left")->capture_default_str();
  add_common_options(sub, o->common, "text, json, markdown, csv, prometheus, ics");
  sub.callback([o, &action] { action = [o](Io& io) { return run_expiry(*o, io); }; });
}

} // namespace certplan::cli
