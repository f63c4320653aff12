// `certplan expiry`: days left, status and renewal planning (R11) for certificates found
// in files, folders and live endpoints. Pure: the CLI reads the sources and chooses the spill.
#pragma once

#include <certplan/spill.hpp>
#include <certplan/x509.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace certplan {

// A threshold in days, or as a share of the certificate's lifetime left ("33%").
struct Threshold {
  double value = 0;
  bool percent = false;
};
Threshold parse_threshold(const std::string& text); // throws Error(usage)

// not_yet_valid: before notBefore, so no client accepts it yet (R11); a failure like critical.
enum class ExpiryStatus { ok, warning, critical, expired, not_yet_valid };
std::string_view to_string(ExpiryStatus s);

struct ExpiryEntry {
  CertificateInfo cert;
  std::vector<std::string> sources; // every place it was found, in the order of the sources given
  long long days_left = 0;          // floor((notAfter - at) / 1 day); negative when expired
  ExpiryStatus status = ExpiryStatus::ok;
  std::string renew_by;             // latest date to renew (notAfter minus the critical window)
  int max_validity_on_renewal = 0;  // days a public CA may issue on renew_by (R11), 0 if not public or a CA
  std::string note;                 // why the status is stricter than the thresholds ("" when it is not)
  long long warn_days = 0;          // the windows in whole days for this certificate (a share of its
  long long crit_days = 0;          // lifetime is turned into days): Nagios perfdata thresholds
};

struct SourceProblem {
  std::string source;
  std::string message;
  bool critical = false; // a live endpoint that sent no chain (dead): critical, not merely unreadable
  std::optional<Limit> limit; // set when a limit refused the input, for the caller to name its knob
};

// One live endpoint probed: whether it is a success as blackbox_exporter's probe_success
// counts one (the handshake gave a chain that verifies for the name, or --no-verify), and the
// earliest notAfter in the chain it served (0 when it served none).
struct ProbeOutcome {
  std::string endpoint;
  bool success = false;
  long long earliest_not_after = 0;
};

// What ExpiryReport::for_each reads back into each entry; a field left out is empty. The
// tables, Nagios and ICS show no SAN list, serial, or notBefore text, and the tables no
// fingerprint: not making them is a third of a table's reading back (issue 18).
struct ExpiryFields {
  bool sans = true;
  bool serial = true;
  bool not_before = true; // the text; not_before_unix is always there
  bool fingerprint = true;
};

// The overall verdict of a report, the Monitoring Plugins' states: exit 0, 1, 2 (3 is left
// to errors before any report).
enum class Overall { ok, warning, critical };

// The report: certificates merged by SHA-256 fingerprint and judged at `at`, sorted by
// notAfter. In memory it holds about 80 bytes per certificate; the rest is in the spill.
class ExpiryReport {
public:
  // Without `keep_sans` the SAN lists are not stored (text, markdown, prometheus and ics do
  // not show them: expiry_format_shows_sans): most of what a record weighs.
  ExpiryReport(RecordSpill& spill, long long at_unix, Threshold warn, Threshold crit, bool keep_sans = true);

  // `order` places a certificate among the sources as given (the scan runs on several
  // threads), so the output does not depend on which thread came first.
  // `note` says something about this finding (a live endpoint: why it fails verification,
  // or which certificate of the chain served expires first); `failed`: critical whatever the
  // dates say (a name or chain no client accepts), unless expired or not yet valid.
  void add(std::uint64_t order, std::string_view source, const CertificateInfo& cert, std::string_view note = {},
           bool failed = false);
  void add_problem(std::uint64_t order, SourceProblem problem);
  // A file in a folder that holds no certificate (a private key, a request, a README).
  void add_skipped(std::uint64_t order, std::string source);
  void add_probe(std::uint64_t order, ProbeOutcome probe);
  // Merges and sorts; call once, after the last add.
  void finish();

  std::size_t size() const { return m_entries.size(); }
  // Every certificate in notAfter order, read back from the spill one at a time, with the
  // `fields` asked for (the others left empty).
  void for_each(const std::function<void(const ExpiryEntry&)>& fn, ExpiryFields fields = {}) const {
    for_each(0, size(), fn, fields);
  }
  // Entries [begin, end) only. Safe to call from several threads at once after finish():
  // the renderers split the report among cores.
  void for_each(std::size_t begin, std::size_t end, const std::function<void(const ExpiryEntry&)>& fn,
                ExpiryFields fields = {}) const;
  const std::vector<SourceProblem>& problems() const { return m_problems; }
  const std::vector<std::string>& skipped() const { return m_skipped; }
  const std::vector<ProbeOutcome>& probes() const { return m_probes; }
  // Failed or a dead endpoint: critical; a warning or an unreadable source: warning.
  Overall overall() const;
  Threshold warn_threshold() const { return m_warn; }
  Threshold crit_threshold() const { return m_crit; }
  std::size_t count(ExpiryStatus s) const { return m_counts[static_cast<int>(s)]; }
  ExpiryStatus worst() const;
  long long at_unix() const { return m_at; }

private:
  // 40 bytes, the bulk of the report's memory. Only the fingerprint's first 8 bytes are held;
  // records that share them are told apart by the whole fingerprint, kept in the spill.
  struct Record {
    std::uint64_t fingerprint_prefix;
    long long not_after;
    std::uint64_t order;
    std::uint64_t offset;
    std::uint32_t size : 31; // a record is far below 2 GiB; the bit is `failed`, so 40 bytes stay 40
    std::uint32_t failed : 1;
    std::uint32_t lifetime; // seconds from notBefore to notAfter (a certificate claiming more than 136 years is clamped)
  };
  struct Entry {
    std::uint32_t first; // into m_records, sorted by (fingerprint, order)
    std::uint32_t count;
  };
  std::array<std::uint8_t, 32> full_fingerprint(const Record& r) const;
  // The status of one record at m_at; `note` says why when a rule made it stricter.
  ExpiryStatus judge(const Record& r, std::string* note) const;
  // The status of a merged entry: its dates, and critical when any record of it failed.
  ExpiryStatus judge(const Entry& e, std::string* note) const;

  RecordSpill& m_spill;
  long long m_at;
  Threshold m_warn;
  Threshold m_crit;
  // add() appends to a deque, so that growing never copies (and briefly doubles) them all;
  // finish() moves them into the vector, block by block, where sorting and reading them
  // back is plain indexing (sorting the deque, through its iterators, was most of finish()).
  std::deque<Record> m_adding;
  std::vector<Record> m_records;
  std::vector<Entry> m_entries;
  std::vector<std::pair<std::uint64_t, SourceProblem>> m_pending_problems;
  std::vector<SourceProblem> m_problems;
  std::vector<std::pair<std::uint64_t, std::string>> m_pending_skipped;
  std::vector<std::string> m_skipped;
  std::vector<std::pair<std::uint64_t, ProbeOutcome>> m_pending_probes;
  std::vector<ProbeOutcome> m_probes;
  std::size_t m_counts[5] = {0, 0, 0, 0, 0};
  // R11: the Exchange Auth certificates (by spill offset; a handful) and the latest notAfter
  // among them, so each is judged knowing whether a next one is staged.
  std::set<std::uint64_t> m_auth_offsets;
  long long m_auth_latest = 0;
  bool m_keep_sans = true;
  // add()'s record, reused: built afresh for each certificate it grew by reallocation,
  // several allocations per certificate (issue 18).
  std::string m_record;
};

// What expiry says about one live endpoint's served chain (issue 14 part 3): "ok" only when a
// client would accept it. The certificate reported is the first not yet valid, else the one
// that expires first (an intermediate sent with 4 days left breaks every client in 4 days,
// whatever the leaf says). Name and chain are judged by the rules registry for `host` (the
// SNI name or the planned name); without `chains` (--no-verify) only the dates count.
struct ServedVerdict {
  std::size_t reported = 0; // which certificate of the chain the report shows
  std::string note;
  bool failed = false;      // critical whatever the dates: no client accepts it
};
ServedVerdict judge_served(std::string_view host, const ProbeResult& p, const ChainValidator* chains, long long at);

} // namespace certplan
