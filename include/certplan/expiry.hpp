// `certplan expiry`: days left, status and renewal planning (R11) for certificates found
// in files, folders (and, later, live endpoints). Pure: the CLI reads the sources.
#pragma once

#include <certplan/x509.hpp>

#include <string>
#include <vector>

namespace certplan {

// A threshold in days, or as a share of the certificate's lifetime left ("33%").
struct Threshold {
  double value = 0;
  bool percent = false;
};
Threshold parse_threshold(const std::string& text); // throws Error(usage)

enum class ExpiryStatus { ok, warning, critical, expired };
std::string_view to_string(ExpiryStatus s);

struct ExpiryEntry {
  CertificateInfo cert;
  std::vector<std::string> sources; // every place it was found
  long long days_left = 0;          // floor((notAfter - at) / 1 day); negative when expired
  ExpiryStatus status = ExpiryStatus::ok;
  std::string renew_by;             // latest date to renew (notAfter minus the critical window)
  int max_validity_on_renewal = 0;  // days a public CA may issue on renew_by (R11), 0 if not public
};

struct SourceProblem {
  std::string source;
  std::string message;
};

struct ExpiryReport {
  std::vector<ExpiryEntry> certificates; // sorted by notAfter, duplicates merged
  std::vector<SourceProblem> problems;   // unreadable sources, reported and skipped
  long long at_unix = 0;
};

// Merges the (source, certificate) pairs by SHA-256 fingerprint and judges each at `at`.
ExpiryReport make_expiry_report(const std::vector<std::pair<std::string, CertificateInfo>>& found,
                                std::vector<SourceProblem> problems, long long at_unix, Threshold warn, Threshold crit);

// Formats: text, json (cli.md keys), csv, prometheus (x509 exporter names), ics.
std::string render_expiry(const ExpiryReport& report, const std::string& format);

} // namespace certplan
