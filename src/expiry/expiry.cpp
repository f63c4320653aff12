#include <certplan/audit.hpp>
#include <certplan/error.hpp>
#include <certplan/expiry.hpp>

#include "render/table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <unordered_map>

namespace certplan {
namespace {

constexpr long long k_day = 86400;

std::string date_of(long long t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Seconds before notAfter at which `t` starts to apply.
long long window(const Threshold& t, const CertificateInfo& c) {
  if (t.percent) {
    return static_cast<long long>(std::llround(static_cast<double>(c.not_after_unix - c.not_before_unix) * t.value / 100.0));
  }
  return static_cast<long long>(t.value * k_day);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) {
    return s;
  }
  std::string out = "\"";
  for (const char c : s) {
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return out + "\"";
}

// Prometheus label values escape backslash, quote and newline.
std::string label(const std::string& s) {
  std::string out;
  for (const char c : s) {
    out += c == '\\' ? std::string("\\\\") : c == '"' ? std::string("\\\"") : c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

// RFC 5545 TEXT escaping.
std::string ics_text(const std::string& s) {
  std::string out;
  for (const char c : s) {
    out += (c == ',' || c == ';' || c == '\\') ? std::string("\\") + c : c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

} // namespace

Threshold parse_threshold(const std::string& text) {
  Threshold t;
  std::string s = text;
  if (!s.empty() && s.back() == '%') {
    t.percent = true;
    s.pop_back();
  }
  char* end = nullptr;
  t.value = std::strtod(s.c_str(), &end);
  if (s.empty() || end == nullptr || *end != '\0' || t.value < 0 || (t.percent && t.value > 100)) {
    throw Error(ErrorKind::usage, "a threshold is a number of days (30) or a share of the lifetime left (33%), not \"" + text + "\"");
  }
  return t;
}

std::string_view to_string(ExpiryStatus s) {
  switch (s) {
  case ExpiryStatus::ok: return "ok";
  case ExpiryStatus::warning: return "warning";
  case ExpiryStatus::critical: return "critical";
  case ExpiryStatus::expired: return "expired";
  }
  return "?";
}

ExpiryReport make_expiry_report(const std::vector<std::pair<std::string, CertificateInfo>>& found,
                                std::vector<SourceProblem> problems, long long at, Threshold warn, Threshold crit) {
  ExpiryReport r;
  r.at_unix = at;
  r.problems = std::move(problems);
  std::unordered_map<std::string, std::size_t> by_fingerprint;
  for (const auto& [source, cert] : found) {
    const auto [it, fresh] = by_fingerprint.emplace(cert.sha256_fingerprint, r.certificates.size());
    if (fresh) {
      r.certificates.push_back({cert, {source}, 0, ExpiryStatus::ok, "", 0});
    } else {
      r.certificates[it->second].sources.push_back(source);
    }
  }
  for (auto& e : r.certificates) {
    const auto& c = e.cert;
    const long long left = c.not_after_unix - at;
    e.days_left = left >= 0 ? left / k_day : -((-left + k_day - 1) / k_day);
    e.status = left < 0                 ? ExpiryStatus::expired
               : left <= window(crit, c) ? ExpiryStatus::critical
               : left <= window(warn, c) ? ExpiryStatus::warning
                                         : ExpiryStatus::ok;
    // R11: renew before the critical window opens; the CA's limit on that day.
    const long long renew = c.not_after_unix - window(crit, c);
    e.renew_by = date_of(renew);
    e.max_validity_on_renewal = c.self_signed ? 0 : max_public_validity_days(renew);
  }
  std::sort(r.certificates.begin(), r.certificates.end(), [](const ExpiryEntry& a, const ExpiryEntry& b) {
    return std::tie(a.cert.not_after_unix, a.cert.sha256_fingerprint) < std::tie(b.cert.not_after_unix, b.cert.sha256_fingerprint);
  });
  return r;
}

std::string render_expiry(const ExpiryReport& r, const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json certs = nlohmann::ordered_json::array();
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const auto& e : r.certificates) {
      ++counts[static_cast<int>(e.status)];
      certs.push_back({{"source", e.sources.front()},
                       {"sources", e.sources},
                       {"subject_cn", e.cert.subject_cn},
                       {"sans", e.cert.dns_sans},
                       {"issuer", e.cert.issuer},
                       {"not_before", e.cert.not_before},
                       {"not_after", e.cert.not_after},
                       {"days_left", e.days_left},
                       {"status", to_string(e.status)},
                       {"sha256_fingerprint", e.cert.sha256_fingerprint},
                       {"renew_by", e.renew_by},
                       {"max_validity_days_on_renewal", e.max_validity_on_renewal}});
    }
    nlohmann::ordered_json problems = nlohmann::ordered_json::array();
    for (const auto& p : r.problems) {
      problems.push_back({{"source", p.source}, {"message", p.message}});
    }
    const nlohmann::ordered_json j{{"schema", "certplan.expiry/1"},
                                   {"certificates", std::move(certs)},
                                   {"problems", std::move(problems)},
                                   {"summary",
                                    {{"ok", counts[0]}, {"warning", counts[1]}, {"critical", counts[2]}, {"expired", counts[3]},
                                     {"unreadable", r.problems.size()}}}};
    return j.dump(2) + "\n";
  }
  std::string out;
  if (format == "csv") {
    out = "source,subject_cn,sans,issuer,not_before,not_after,days_left,status,sha256_fingerprint,renew_by\n";
    for (const auto& e : r.certificates) {
      out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", csv_field(fmt::format("{}", fmt::join(e.sources, " "))),
                         csv_field(e.cert.subject_cn), csv_field(fmt::format("{}", fmt::join(e.cert.dns_sans, " "))),
                         csv_field(e.cert.issuer), e.cert.not_before, e.cert.not_after, e.days_left, to_string(e.status),
                         e.cert.sha256_fingerprint, e.renew_by);
    }
    return out;
  }
  if (format == "prometheus") {
    // The names and labels of the x509 certificate exporters, so dashboards keep working.
    out = "# HELP x509_cert_not_after The timestamp of when the certificate will expire\n# TYPE x509_cert_not_after gauge\n";
    std::string before = "# HELP x509_cert_not_before The timestamp of when the certificate was issued\n# TYPE x509_cert_not_before gauge\n";
    for (const auto& e : r.certificates) {
      for (const auto& s : e.sources) {
        const std::string labels = fmt::format("filepath=\"{}\",subject_CN=\"{}\",issuer_CN=\"{}\",serial_number=\"{}\"", label(s),
                                               label(e.cert.subject_cn), label(e.cert.issuer), label(e.cert.serial));
        out += fmt::format("x509_cert_not_after{{{}}} {}\n", labels, e.cert.not_after_unix);
        before += fmt::format("x509_cert_not_before{{{}}} {}\n", labels, e.cert.not_before_unix);
      }
    }
    return out + before;
  }
  if (format == "ics") {
    out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//certplan//expiry//EN\r\n";
    for (const auto& e : r.certificates) {
      std::string day = e.renew_by;
      day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
      out += fmt::format("BEGIN:VEVENT\r\nUID:{}@certplan\r\nDTSTAMP:{}T000000Z\r\nDTSTART;VALUE=DATE:{}\r\n"
                         "SUMMARY:{}\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\n",
                         e.cert.sha256_fingerprint.substr(0, 23), day, day, ics_text("Renew certificate " + e.cert.subject_cn),
                         ics_text(fmt::format("Expires {} ({}). Found in {}.", e.cert.not_after, e.cert.issuer,
                                              fmt::join(e.sources, ", "))));
    }
    return out + "END:VCALENDAR\r\n";
  }
  const bool md = format == "markdown";
  Table t({"status", "days", "not after", "subject CN", "issuer", "renew by", "sources"});
  for (const auto& e : r.certificates) {
    t.row({std::string(to_string(e.status)), std::to_string(e.days_left), e.cert.not_after.substr(0, 10), e.cert.subject_cn,
           e.cert.issuer, e.renew_by + (e.max_validity_on_renewal ? fmt::format(" (max {} d)", e.max_validity_on_renewal) : ""),
           fmt::format("{}", fmt::join(e.sources, ", "))});
  }
  out = (md ? "# Certificate expiry\n\n" : "") + t.render(md);
  for (const auto& p : r.problems) {
    out += fmt::format("{}not read: {}\n", md ? "- " : "  ", p.message);
  }
  return out;
}

} // namespace certplan
