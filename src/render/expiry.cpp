// `certplan expiry`'s seven formats, streamed: the report is read back from its spill in
// chunks of rows and never rendered whole in memory. Every value that came from a file, a
// certificate or an endpoint goes through quote/ for the language it lands in.
#include <certplan/error.hpp>
#include <certplan/expiry.hpp>
#include <certplan/quote.hpp>
#include <certplan/render.hpp>

#include "render/chunks.hpp"
#include "render/json_writer.hpp"
#include "render/table.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <utility>

namespace certplan {
namespace {

// What each format shows of a certificate (render_expiry's cases below): the rest is not read
// back from the spill.
constexpr ExpiryFields k_json_fields{.sans = true, .serial = false, .not_before = true, .fingerprint = true};
constexpr ExpiryFields k_csv_fields = k_json_fields;
constexpr ExpiryFields k_prometheus_fields{.sans = false, .serial = true, .not_before = false, .fingerprint = false};
constexpr ExpiryFields k_ics_fields{.sans = false, .serial = false, .not_before = false, .fingerprint = true};
constexpr ExpiryFields k_table_fields{.sans = false, .serial = false, .not_before = false, .fingerprint = false}; // and Nagios

// Each row's text, chunk by chunk on every core (render/chunks.hpp), written in order: reading
// back and formatting 100,000 records was a third of an expiry run, all on one thread.
void rows(const ExpiryReport& r, std::ostream& out, const std::function<void(const ExpiryEntry&, std::size_t, std::string&)>& row,
          ExpiryFields fields) {
  render_in_order(
      r.size(),
      [&](std::size_t begin, std::size_t end, std::string& text) {
        std::size_t index = begin;
        r.for_each(begin, end, [&](const ExpiryEntry& e) { row(e, index++, text); }, fields);
      },
      [&](std::string_view text) { out.write(text.data(), static_cast<std::streamsize>(text.size())); },
      k_certificates_per_chunk);
}

// The envelope here, each certificate's object by render/json_writer.hpp's JsonWriter (a part
// per certificate, where dump(2) of the whole document would put it: strings through
// nlohmann's serializer unless plain ASCII), the tail by nlohmann. An ordered_json per
// certificate dumped and re-indented was a sixth of a JSON run's instructions (issue 18).
void render_json(const ExpiryReport& r, std::ostream& out) {
  out << "{\n  \"schema\": " << nlohmann::json("certplan.expiry/1").dump() << ",\n  \"certificates\": [";
  // Inside the envelope's object, in its "certificates" array.
  const JsonWriter::Nesting in_array{2, {{'}', false}, {']', false}}};
  rows(r, out, [&](const ExpiryEntry& e, std::size_t index, std::string& text) {
    const std::size_t at = text.size();
    {
      JsonWriter w(text, in_array);
      w.begin_object();
      w.member("source", e.sources.front());
      w.key("sources");
      w.string_array(e.sources);
      w.member("subject_cn", e.cert.subject_cn);
      w.key("sans");
      w.string_array(e.cert.dns_sans);
      w.member("issuer", e.cert.issuer);
      w.member("not_before", e.cert.not_before);
      w.member("not_after", e.cert.not_after);
      w.member("days_left", e.days_left);
      w.member("status", to_string(e.status));
      w.member("sha256_fingerprint", e.cert.sha256_fingerprint);
      w.member("renew_by", e.renew_by);
      w.member("max_validity_days_on_renewal", e.max_validity_on_renewal);
      w.member("note", e.note);
      w.end_object();
    }
    if (index == 0) {
      text.erase(at, 1); // a part starts every item with its ','; the first has none
    }
  }, k_json_fields);
  const bool first = r.size() == 0;
  out << (first ? "]" : "\n  ]");
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  for (const auto& p : r.problems()) {
    problems.push_back({{"source", p.source}, {"message", p.message}});
  }
  nlohmann::ordered_json probes = nlohmann::ordered_json::array();
  for (const auto& pr : r.probes()) {
    probes.push_back({{"endpoint", pr.endpoint}, {"success", pr.success}});
  }
  const nlohmann::ordered_json tail{{"problems", std::move(problems)},
                                    {"skipped", r.skipped()},
                                    {"endpoints", std::move(probes)},
                                    {"summary",
                                     {{"ok", r.count(ExpiryStatus::ok)},
                                      {"warning", r.count(ExpiryStatus::warning)},
                                      {"critical", r.count(ExpiryStatus::critical)},
                                      {"expired", r.count(ExpiryStatus::expired)},
                                      {"not_yet_valid", r.count(ExpiryStatus::not_yet_valid)},
                                      {"unreadable", r.problems().size()},
                                      {"skipped", r.skipped().size()}}}};
  // The tail object's members, without its own braces, continue the envelope.
  const std::string t = tail.dump(2);
  out << ",\n" << std::string_view(t).substr(2, t.size() - 4) << "\n}\n";
}

void render_table(const ExpiryReport& r, std::ostream& out, bool markdown, bool color) {
  const std::vector<std::string> header{"status", "days", "not after", "subject CN", "issuer", "renew by", "sources"};
  // The cells of one row, in one vector per thread whose strings keep their memory: built
  // afresh, twice per certificate (widths, then rows), they were most of a table's allocations.
  const auto cells = [](const ExpiryEntry& e) -> const std::vector<std::string>& {
    thread_local std::vector<std::string> row(7);
    row[0].assign(to_string(e.status));
    const fmt::format_int days(e.days_left);
    row[1].assign(days.data(), days.size());
    row[2].assign(e.cert.not_after, 0, 10);
    row[3].assign(e.cert.subject_cn);
    row[4].assign(e.cert.issuer);
    std::string& renew = row[5];
    renew.assign(e.renew_by);
    if (e.max_validity_on_renewal != 0) {
      const fmt::format_int max(e.max_validity_on_renewal);
      renew.append(" (max ").append(max.data(), max.size()).append(" d)");
    }
    if (!e.note.empty()) {
      renew.append(" (").append(e.note).append(")");
    }
    std::string& sources = row[6];
    sources.clear();
    for (std::size_t i = 0; i < e.sources.size(); ++i) {
      sources.append(i == 0 ? "" : ", ").append(e.sources[i]);
    }
    return row;
  };
  if (markdown) {
    std::string head = section_heading("Certificate expiry", true, 1);
    markdown_row(head, header);
    markdown_rule(head, header.size());
    out << head;
    rows(r, out, [&](const ExpiryEntry& e, std::size_t, std::string& text) { markdown_row(text, cells(e)); }, k_table_fields);
  } else {
    // Two passes over the spill: the first finds the column widths (without the SANs).
    std::vector<std::size_t> width(header.size(), 0);
    std::mutex width_mutex;
    const auto measure = [](const std::vector<std::string>& row, std::vector<std::size_t>& w) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        w[i] = std::max(w[i], display_width(row[i]));
      }
    };
    measure(header, width);
    in_parallel(
        r.size(),
        [&](std::size_t begin, std::size_t end) {
          std::vector<std::size_t> local(header.size(), 0);
          r.for_each(begin, end, [&](const ExpiryEntry& e) { measure(cells(e), local); }, k_table_fields);
          std::lock_guard lock(width_mutex);
          for (std::size_t i = 0; i < local.size(); ++i) {
            width[i] = std::max(width[i], local[i]);
          }
        },
        k_certificates_per_chunk);
    const auto line = [&](const std::vector<std::string>& row, const char* paint, std::string& text) {
      const std::size_t start = text.size();
      text += "  ";
      for (std::size_t i = 0; i < row.size(); ++i) {
        // Only the status cell is painted; the padding is measured without the escapes.
        text += (i == 0 && paint != nullptr) ? fmt::format("\x1b[{}m{}\x1b[0m", paint, row[i]) : row[i];
        if (i + 1 < row.size()) {
          text.append(width[i] - display_width(row[i]) + 2, ' ');
        }
      }
      while (text.size() > start && text.back() == ' ') {
        text.pop_back();
      }
      text += '\n';
    };
    std::string head;
    line(header, nullptr, head);
    out << head;
    static constexpr const char* k_paint[] = {"32", "33", "31", "1;31", "1;35"};
    rows(r, out, [&](const ExpiryEntry& e, std::size_t, std::string& text) {
      line(cells(e), color ? k_paint[static_cast<int>(e.status)] : nullptr, text);
    }, k_table_fields);
  }
  for (const auto& p : r.problems()) {
    out << (markdown ? "- " : "  ") << "not read: " << (markdown ? quote::markdown_cell(p.message) : p.message) << "\n";
  }
  if (!r.skipped().empty()) {
    out << (markdown ? "- " : "  ") << fmt::format("skipped {} file{} holding no certificate (keys, requests, other files)",
                                                   r.skipped().size(), r.skipped().size() == 1 ? "" : "s")
        << "\n";
  }
}

// Monitoring Plugins Development Guidelines (monitoring-plugins.org/doc/guidelines.html):
// one status line "SERVICE STATE - text | perfdata", then longer text lines. Perfdata is
// 'label'=value;warn;crit;min;max per certificate source (days left); the thresholds are
// ranges, and "N:" alerts below N, which is what days left wants ("Threshold and ranges").
void render_nagios(const ExpiryReport& r, std::ostream& out) {
  static constexpr const char* k_state[] = {"OK", "WARNING", "CRITICAL"};
  std::string perf;
  std::vector<std::string> details;
  std::map<std::string, int> seen; // a file holds several certificates: labels stay unique
  r.for_each(
      [&](const ExpiryEntry& e) {
        for (const auto& source : e.sources) {
          const int n = ++seen[source];
          const std::string label = n == 1 ? source : fmt::format("{} #{}", source, n);
          perf += fmt::format("{}{}={};{}:;{}:;;", perf.empty() ? "" : " ", quote::nagios_label(label), e.days_left, e.warn_days,
                              e.crit_days);
        }
        if (e.status != ExpiryStatus::ok) {
          details.push_back(fmt::format("{}: {} {}, {} days{}", fmt::join(e.sources, ", "), to_string(e.status), e.cert.subject_cn,
                                        e.days_left, e.note.empty() ? "" : " (" + e.note + ")"));
        }
      },
      k_table_fields);
  for (const auto& p : r.problems()) {
    details.push_back((p.critical ? "down: " : "not read: ") + p.message);
  }
  std::vector<std::string> counts;
  for (const auto s : {ExpiryStatus::not_yet_valid, ExpiryStatus::expired, ExpiryStatus::critical, ExpiryStatus::warning,
                       ExpiryStatus::ok}) {
    if (r.count(s) != 0) {
      counts.push_back(fmt::format("{} {}", r.count(s), to_string(s)));
    }
  }
  const auto dead = static_cast<std::size_t>(
      std::count_if(r.problems().begin(), r.problems().end(), [](const SourceProblem& p) { return p.critical; }));
  if (dead != 0) {
    counts.push_back(fmt::format("{} endpoint{} down", dead, dead == 1 ? "" : "s"));
  }
  if (r.problems().size() > dead) {
    counts.push_back(fmt::format("{} unreadable", r.problems().size() - dead));
  }
  if (!r.skipped().empty()) {
    counts.push_back(fmt::format("{} skipped", r.skipped().size()));
  }
  std::string summary = fmt::format("{} certificate{}: {}", r.size(), r.size() == 1 ? "" : "s", fmt::join(counts, ", "));
  if (!details.empty()) {
    summary += "; " + details.front(); // the first line alone is what most notifications show
  }
  out << "CERTPLAN " << k_state[static_cast<int>(r.overall())] << " - " << quote::nagios_text(summary)
      << (perf.empty() ? "" : " | " + perf) << "\n";
  for (std::size_t i = 1; i < details.size(); ++i) {
    out << quote::nagios_text(details[i]) << "\n";
  }
}

} // namespace

std::optional<ExpiryFormat> expiry_format_from_string(std::string_view s) {
  static constexpr std::pair<std::string_view, ExpiryFormat> k_names[] = {
      {"text", ExpiryFormat::text}, {"markdown", ExpiryFormat::markdown}, {"json", ExpiryFormat::json},
      {"csv", ExpiryFormat::csv},   {"prometheus", ExpiryFormat::prometheus}, {"ics", ExpiryFormat::ics},
      {"nagios", ExpiryFormat::nagios}};
  for (const auto& [name, format] : k_names) {
    if (name == s) {
      return format;
    }
  }
  return std::nullopt;
}

bool expiry_format_shows_sans(ExpiryFormat format) {
  return format == ExpiryFormat::json || format == ExpiryFormat::csv;
}

void render_expiry(const ExpiryReport& r, ExpiryFormat format, std::ostream& out, bool color) {
  switch (format) {
  case ExpiryFormat::json:
    render_json(r, out);
    return;
  case ExpiryFormat::csv:
    out << "source,subject_cn,sans,issuer,not_before,not_after,days_left,status,sha256_fingerprint,renew_by\n";
    rows(r, out, [](const ExpiryEntry& e, std::size_t, std::string& text) {
      // Numbers, dates, statuses and fingerprints are certplan's own text; the rest came from
      // files and certificates and is quoted (RFC 4180, formulas neutralised).
      text += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", quote::csv_field(fmt::format("{}", fmt::join(e.sources, " "))),
                         quote::csv_field(e.cert.subject_cn), quote::csv_field(fmt::format("{}", fmt::join(e.cert.dns_sans, " "))),
                         quote::csv_field(e.cert.issuer), e.cert.not_before, e.cert.not_after, e.days_left, to_string(e.status),
                         e.cert.sha256_fingerprint, e.renew_by);
    }, k_csv_fields);
    return;
  case ExpiryFormat::prometheus:
    // The names and labels of the x509 certificate exporters, so dashboards keep working.
    // One pass per metric: the exposition format wants each family's samples together.
    for (const bool after : {true, false}) {
      out << (after ? "# HELP x509_cert_not_after The timestamp of when the certificate will expire\n# TYPE x509_cert_not_after gauge\n"
                    : "# HELP x509_cert_not_before The timestamp of when the certificate was issued\n# TYPE x509_cert_not_before gauge\n");
      rows(r, out, [after](const ExpiryEntry& e, std::size_t, std::string& text) {
        for (const auto& s : e.sources) {
          text += fmt::format("{}{{filepath={},subject_CN={},issuer_CN={},serial_number={}}} {}\n",
                             after ? "x509_cert_not_after" : "x509_cert_not_before", quote::prometheus_label(s),
                             quote::prometheus_label(e.cert.subject_cn), quote::prometheus_label(e.cert.issuer),
                             quote::prometheus_label(e.cert.serial), after ? e.cert.not_after_unix : e.cert.not_before_unix);
        }
      }, k_prometheus_fields);
    }
    if (!r.probes().empty()) {
      // blackbox_exporter's names: probe_success per target, 0 for a dead endpoint or a chain
      // that does not verify for its name, and the earliest notAfter of the chain served.
      out << "# HELP probe_success Displays whether or not the probe was a success\n# TYPE probe_success gauge\n";
      for (const auto& p : r.probes()) {
        out << fmt::format("probe_success{{target={}}} {}\n", quote::prometheus_label(p.endpoint), p.success ? 1 : 0);
      }
      out << "# HELP probe_ssl_earliest_cert_expiry The earliest notAfter in the chain served, in Unix time\n"
             "# TYPE probe_ssl_earliest_cert_expiry gauge\n";
      for (const auto& p : r.probes()) {
        if (p.earliest_not_after != 0) {
          out << fmt::format("probe_ssl_earliest_cert_expiry{{target={}}} {}\n", quote::prometheus_label(p.endpoint),
                             p.earliest_not_after);
        }
      }
    }
    return;
  case ExpiryFormat::nagios:
    render_nagios(r, out);
    return;
  case ExpiryFormat::ics:
    out << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//certplan//expiry//EN\r\n";
    rows(r, out, [](const ExpiryEntry& e, std::size_t, std::string& text) {
      std::string day = e.renew_by;
      day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
      // TEXT values escaped (RFC 5545 3.3.11), long lines folded (3.1).
      text += fmt::format("BEGIN:VEVENT\r\nUID:{}@certplan\r\nDTSTAMP:{}T000000Z\r\nDTSTART;VALUE=DATE:{}\r\n{}{}"
                         "END:VEVENT\r\n",
                         e.cert.sha256_fingerprint.substr(0, 23), day, day,
                         quote::ics_fold("SUMMARY:" + quote::ics_text("Renew certificate " + e.cert.subject_cn)),
                         quote::ics_fold("DESCRIPTION:" + quote::ics_text(fmt::format("Expires {} ({}). Found in {}.",
                                                                                      e.cert.not_after, e.cert.issuer,
                                                                                      fmt::join(e.sources, ", ")))));
    }, k_ics_fields);
    out << "END:VCALENDAR\r\n";
    return;
  case ExpiryFormat::markdown:
    render_table(r, out, true, false);
    return;
  case ExpiryFormat::text:
    render_table(r, out, false, color);
    return;
  }
}

} // namespace certplan
