#include <certplan/rules.hpp>
#include <certplan/error.hpp>
#include <certplan/expiry.hpp>
#include <certplan/quote.hpp>

#include "render/table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <ostream>
#include <thread>

namespace certplan {
namespace {

constexpr long long k_day = 86400;

// Seconds before notAfter at which `t` starts to apply.
long long window(const Threshold& t, long long not_before, long long not_after) {
  if (t.percent) {
    return static_cast<long long>(std::llround(static_cast<double>(not_after - not_before) * t.value / 100.0));
  }
  return static_cast<long long>(t.value * k_day);
}

// "YYYY-MM-DDTHH:MM:SSZ"; the same formatter as the certificate reader's.
std::string x509_time(long long t) { return format_rfc3339(t); }

// Spill records: length-prefixed fields, private to this process, so native byte order.
void put(std::string& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(s);
}

void put_list(std::string& out, const std::vector<std::string>& v) {
  const auto n = static_cast<std::uint32_t>(v.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  for (const auto& s : v) {
    put(out, s);
  }
}

std::uint32_t get_u32(std::string_view& in) {
  std::uint32_t n = 0;
  std::memcpy(&n, in.data(), sizeof n);
  in.remove_prefix(sizeof n);
  return n;
}

// Into existing strings, so that reading 100,000 records reuses their memory.
void get(std::string_view& in, std::string& out) {
  const std::uint32_t n = get_u32(in);
  out.assign(in.data(), n);
  in.remove_prefix(n);
}

void get_list(std::string_view& in, std::vector<std::string>& out) {
  out.resize(get_u32(in));
  for (auto& s : out) {
    get(in, s);
  }
}

void skip_list(std::string_view& in) {
  for (std::uint32_t n = get_u32(in); n > 0; --n) {
    in.remove_prefix(get_u32(in));
  }
}

std::array<std::uint8_t, 32> fingerprint_bytes(const std::string& hex) {
  std::array<std::uint8_t, 32> out{};
  const auto nibble = [](char c) { return static_cast<std::uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10); };
  for (std::size_t i = 0, k = 0; i + 1 < hex.size() && k < out.size(); i += 3, ++k) {
    out[k] = static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
  }
  return out;
}

std::string fingerprint_hex(const std::array<std::uint8_t, 32>& b) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    out += i ? ":" : "";
    out += k_hex[b[i] >> 4];
    out += k_hex[b[i] & 0xF];
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
  case ExpiryStatus::not_yet_valid: return "not-yet-valid";
  }
  return "?";
}


ExpiryReport::ExpiryReport(RecordSpill& spill, long long at_unix, Threshold warn, Threshold crit, bool keep_sans)
    : m_spill(spill), m_at(at_unix), m_warn(warn), m_crit(crit), m_keep_sans(keep_sans) {}

void ExpiryReport::add(std::uint64_t order, std::string_view source, const CertificateInfo& c, std::string_view note,
                       bool failed) {
  std::string rec;
  const auto fp = fingerprint_bytes(c.sha256_fingerprint);
  rec.append(reinterpret_cast<const char*>(fp.data()), fp.size());
  put(rec, source);
  put(rec, c.subject_cn);
  put(rec, c.issuer);
  put(rec, c.serial);
  static const std::vector<std::string> k_none;
  put_list(rec, m_keep_sans ? c.dns_sans : k_none);
  put_list(rec, m_keep_sans ? c.ip_sans : k_none);
  // One flag byte: '0' plus 1 for self-signed, plus 2 for a CA certificate.
  rec += static_cast<char>('0' + (c.self_signed ? 1 : 0) + (c.is_ca ? 2 : 0));
  put(rec, note);
  const std::uint64_t offset = m_spill.append(rec);
  if (is_exchange_auth_certificate(c.subject_cn)) {
    m_auth_offsets.insert(offset);
    m_auth_latest = m_auth_offsets.size() == 1 ? c.not_after_unix : std::max(m_auth_latest, c.not_after_unix);
  }
  const long long life = std::clamp(c.not_after_unix - c.not_before_unix, 0LL, 0xFFFFFFFFLL);
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    prefix = prefix << 8 | fp[i];
  }
  m_records.push_back({prefix, c.not_after_unix, order, offset, static_cast<std::uint32_t>(rec.size()), failed ? 1U : 0U,
                       static_cast<std::uint32_t>(life)});
}

void ExpiryReport::add_problem(std::uint64_t order, SourceProblem problem) {
  m_pending_problems.emplace_back(order, std::move(problem));
}

void ExpiryReport::add_skipped(std::uint64_t order, std::string source) { m_pending_skipped.emplace_back(order, std::move(source)); }

void ExpiryReport::add_probe(std::uint64_t order, ProbeOutcome probe) { m_pending_probes.emplace_back(order, std::move(probe)); }

std::array<std::uint8_t, 32> ExpiryReport::full_fingerprint(const Record& r) const {
  std::string buf;
  m_spill.read(r.offset, 32, buf);
  std::array<std::uint8_t, 32> out{};
  std::memcpy(out.data(), buf.data(), out.size());
  return out;
}

void ExpiryReport::finish() {
  m_spill.sync();
  std::sort(m_records.begin(), m_records.end(), [](const Record& a, const Record& b) {
    return std::tie(a.fingerprint_prefix, a.order) < std::tie(b.fingerprint_prefix, b.order);
  });
  // Records sharing a prefix are nearly always copies of one certificate; the whole
  // fingerprint decides, and a run of different certificates is regrouped by it.
  m_entries.clear();
  std::vector<Entry> groups;
  for (std::size_t i = 0; i < m_records.size();) {
    std::size_t j = i + 1;
    while (j < m_records.size() && m_records[j].fingerprint_prefix == m_records[i].fingerprint_prefix) {
      ++j;
    }
    if (j - i > 1) {
      std::vector<std::pair<std::array<std::uint8_t, 32>, Record>> run;
      for (std::size_t k = i; k < j; ++k) {
        run.emplace_back(full_fingerprint(m_records[k]), m_records[k]);
      }
      std::stable_sort(run.begin(), run.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t k = i; k < j; ++k) {
        m_records[k] = run[k - i].second;
      }
      for (std::size_t k = i; k < j;) {
        std::size_t m = k + 1;
        while (m < j && run[m - i].first == run[k - i].first) {
          ++m;
        }
        groups.push_back({static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(m - k)});
        k = m;
      }
    } else {
      groups.push_back({static_cast<std::uint32_t>(i), 1});
    }
    i = j;
  }
  m_entries = std::move(groups);
  std::sort(m_entries.begin(), m_entries.end(), [this](const Entry& a, const Entry& b) {
    const Record& x = m_records[a.first];
    const Record& y = m_records[b.first];
    return std::tie(x.not_after, x.fingerprint_prefix, x.order) < std::tie(y.not_after, y.fingerprint_prefix, y.order);
  });
  std::fill(std::begin(m_counts), std::end(m_counts), 0);
  for (const auto& e : m_entries) {
    ++m_counts[static_cast<int>(judge(e, nullptr))];
  }
  const auto by_order = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::stable_sort(m_pending_skipped.begin(), m_pending_skipped.end(), by_order);
  for (auto& [order, source] : m_pending_skipped) {
    m_skipped.push_back(std::move(source));
  }
  m_pending_skipped.clear();
  std::stable_sort(m_pending_probes.begin(), m_pending_probes.end(), by_order);
  for (auto& [order, probe] : m_pending_probes) {
    m_probes.push_back(std::move(probe));
  }
  m_pending_probes.clear();
  std::stable_sort(m_pending_problems.begin(), m_pending_problems.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  m_problems.clear();
  for (auto& [order, p] : m_pending_problems) {
    m_problems.push_back(std::move(p));
  }
  m_pending_problems.clear();
}

ExpiryStatus ExpiryReport::judge(const Record& r, std::string* note) const {
  const long long left = r.not_after - m_at;
  const long long nb = r.not_after - r.lifetime;
  if (m_at < nb) {
    return ExpiryStatus::not_yet_valid; // R11: no client accepts it before notBefore
  }
  const auto status = left < 0                                  ? ExpiryStatus::expired
                      : left <= window(m_crit, nb, r.not_after) ? ExpiryStatus::critical
                      : left <= window(m_warn, nb, r.not_after) ? ExpiryStatus::warning
                                                                : ExpiryStatus::ok;
  if (status == ExpiryStatus::ok && m_auth_offsets.count(r.offset) != 0) {
    if (std::string why = exchange_auth_warning(left, m_auth_latest - m_at); !why.empty()) {
      if (note != nullptr) {
        *note = std::move(why);
      }
      return ExpiryStatus::warning;
    }
  }
  return status;
}

ExpiryStatus ExpiryReport::judge(const Entry& e, std::string* note) const {
  ExpiryStatus status = judge(m_records[e.first], note);
  for (std::uint32_t k = 0; k < e.count; ++k) {
    // A name or chain no client accepts is critical; expired and not yet valid stay what they are.
    if (m_records[e.first + k].failed != 0 && (status == ExpiryStatus::ok || status == ExpiryStatus::warning)) {
      status = ExpiryStatus::critical;
    }
  }
  return status;
}

Overall ExpiryReport::overall() const {
  const ExpiryStatus w = worst();
  const bool dead = std::any_of(m_problems.begin(), m_problems.end(), [](const SourceProblem& p) { return p.critical; });
  if (dead || (w != ExpiryStatus::ok && w != ExpiryStatus::warning)) {
    return Overall::critical;
  }
  return w == ExpiryStatus::warning || !m_problems.empty() ? Overall::warning : Overall::ok;
}

ExpiryStatus ExpiryReport::worst() const {
  // not-yet-valid ranks with expired: both fail (cli.md exit 2).
  for (int s = 4; s > 0; --s) {
    if (m_counts[s] != 0) {
      return static_cast<ExpiryStatus>(s);
    }
  }
  return ExpiryStatus::ok;
}

void ExpiryReport::for_each(std::size_t begin, std::size_t end, const std::function<void(const ExpiryEntry&)>& fn,
                            bool with_sans) const {
  std::string buf;
  ExpiryEntry e;
  for (std::size_t i = begin; i < end && i < m_entries.size(); ++i) {
    const Entry& entry = m_entries[i];
    const Record& r = m_records[entry.first];
    m_spill.read(r.offset, r.size, buf);
    std::string_view in = buf;
    std::array<std::uint8_t, 32> fp{};
    std::memcpy(fp.data(), in.data(), fp.size());
    in.remove_prefix(fp.size());
    e.sources.resize(1);
    get(in, e.sources[0]);
    CertificateInfo& c = e.cert;
    get(in, c.subject_cn);
    get(in, c.issuer);
    get(in, c.serial);
    if (with_sans) {
      get_list(in, c.dns_sans);
      get_list(in, c.ip_sans);
    } else {
      skip_list(in);
      skip_list(in);
      c.dns_sans.clear();
      c.ip_sans.clear();
    }
    const int flags = in.empty() ? 0 : in.front() - '0';
    c.self_signed = (flags & 1) != 0;
    c.is_ca = (flags & 2) != 0;
    in.remove_prefix(1);
    std::string note;
    std::vector<std::pair<std::size_t, std::string>> notes; // (source index, note)
    get(in, note);
    if (!note.empty()) {
      notes.emplace_back(0, note);
    }
    c.not_before_unix = r.not_after - r.lifetime;
    c.not_after_unix = r.not_after;
    c.not_before = x509_time(c.not_before_unix);
    c.not_after = x509_time(r.not_after);
    c.sha256_fingerprint = fingerprint_hex(fp);
    for (std::uint32_t k = 1; k < entry.count; ++k) {
      const Record& dup = m_records[entry.first + k];
      m_spill.read(dup.offset, dup.size, buf);
      std::string_view din = std::string_view(buf).substr(fp.size());
      get(din, e.sources.emplace_back());
      std::string skip;
      for (int field = 0; field < 3; ++field) {
        get(din, skip); // CN, issuer, serial
      }
      skip_list(din);
      skip_list(din);
      din.remove_prefix(1); // flags
      get(din, note);
      if (!note.empty()) {
        notes.emplace_back(k, note);
      }
    }
    const long long left = r.not_after - m_at;
    const long long crit = window(m_crit, c.not_before_unix, r.not_after);
    e.days_left = left >= 0 ? left / k_day : -((-left + k_day - 1) / k_day);
    e.note.clear();
    e.status = judge(entry, &e.note);
    for (const auto& [source, n] : notes) {
      // With several sources, say whose note it is: one served it with the wrong name, say.
      e.note += (e.note.empty() ? "" : "; ") + (entry.count > 1 ? e.sources[source] + ": " : std::string()) + n;
    }
    e.crit_days = crit / k_day;
    e.warn_days = window(m_warn, c.not_before_unix, r.not_after) / k_day;
    // R11: renew before the critical window opens; the CA's limit on that day. The SC-081
    // limits are the subscriber's: a CA certificate (or a self-signed one) has none here.
    const long long renew = r.not_after - crit;
    e.renew_by = x509_time(renew).substr(0, 10);
    e.max_validity_on_renewal = c.self_signed || c.is_ca ? 0 : max_public_validity_days(renew);
    fn(e);
  }
}

namespace {

// Renders the report on every core in chunks of rows and writes the chunks in order: reading
// back and formatting 100,000 records was a third of an expiry run, all on one thread.
// `make(begin, end)` returns the text of rows [begin, end); it runs on several threads.
void in_order(const ExpiryReport& r, const std::function<std::string(std::size_t, std::size_t)>& make,
              const std::function<void(const std::string&)>& write) {
  constexpr std::size_t k_rows = 128;
  const std::size_t chunks = (r.size() + k_rows - 1) / k_rows;
  const auto threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1U, std::thread::hardware_concurrency()), chunks));
  if (threads <= 1) {
    for (std::size_t c = 0; c < chunks; ++c) {
      write(make(c * k_rows, std::min(r.size(), (c + 1) * k_rows)));
    }
    return;
  }
  std::mutex mutex;
  std::condition_variable cv;
  std::map<std::size_t, std::string> done;
  std::size_t claimed = 0;
  std::size_t written = 0;
  std::exception_ptr failure;
  const auto work = [&] {
    for (;;) {
      std::unique_lock lock(mutex);
      // At most one chunk per thread ahead of the writer: memory stays flat.
      cv.wait(lock, [&] { return claimed >= chunks || failure || claimed < written + threads + 1; });
      if (claimed >= chunks || failure) {
        return;
      }
      const std::size_t c = claimed++;
      lock.unlock();
      std::string text;
      try {
        text = make(c * k_rows, std::min(r.size(), (c + 1) * k_rows));
      } catch (...) {
        lock.lock();
        failure = std::current_exception();
        cv.notify_all();
        return;
      }
      lock.lock();
      done.emplace(c, std::move(text));
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back(work);
  }
  for (std::size_t c = 0; c < chunks; ++c) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return done.count(c) != 0 || failure; });
    if (failure) {
      break;
    }
    const std::string text = std::move(done[c]);
    done.erase(c);
    written = c + 1;
    cv.notify_all();
    lock.unlock();
    try {
      write(text);
    } catch (...) {
      lock.lock();
      failure = std::current_exception();
      break;
    }
  }
  {
    std::lock_guard lock(mutex);
    if (!failure && written < chunks) {
      failure = std::make_exception_ptr(Error(ErrorKind::internal, "expiry rendering stopped early"));
    }
    claimed = chunks; // stop the others
    cv.notify_all();
  }
  for (auto& t : pool) {
    t.join();
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

// Each row's text, chunk by chunk, in order.
void rows(const ExpiryReport& r, std::ostream& out, const std::function<void(const ExpiryEntry&, std::size_t, std::string&)>& row,
          bool with_sans = true) {
  in_order(
      r,
      [&](std::size_t begin, std::size_t end) {
        std::string text;
        std::size_t index = begin;
        r.for_each(begin, end, [&](const ExpiryEntry& e) { row(e, index++, text); }, with_sans);
        return text;
      },
      [&](const std::string& text) { out << text; });
}

// nlohmann has no streaming writer: the envelope is written here and every value by
// nlohmann, each certificate indented to sit exactly where dump(2) of the whole would put it.
void render_json(const ExpiryReport& r, std::ostream& out) {
  out << "{\n  \"schema\": " << nlohmann::json("certplan.expiry/1").dump() << ",\n  \"certificates\": [";
  rows(r, out, [](const ExpiryEntry& e, std::size_t index, std::string& text) {
    // One object per thread, its members assigned in place for each certificate: building a
    // fresh one per certificate was a third of the JSON time at 100,000 certificates.
    thread_local nlohmann::ordered_json j{{"source", ""}, {"sources", nlohmann::ordered_json::array()}, {"subject_cn", ""},
                                          {"sans", nlohmann::ordered_json::array()}, {"issuer", ""}, {"not_before", ""},
                                          {"not_after", ""}, {"days_left", 0}, {"status", ""}, {"sha256_fingerprint", ""},
                                          {"renew_by", ""}, {"max_validity_days_on_renewal", 0}, {"note", ""}};
    j["source"] = e.sources.front();
    j["sources"] = e.sources;
    j["subject_cn"] = e.cert.subject_cn;
    j["sans"] = e.cert.dns_sans;
    j["issuer"] = e.cert.issuer;
    j["not_before"] = e.cert.not_before;
    j["not_after"] = e.cert.not_after;
    j["days_left"] = e.days_left;
    j["status"] = to_string(e.status);
    j["sha256_fingerprint"] = e.cert.sha256_fingerprint;
    j["renew_by"] = e.renew_by;
    j["max_validity_days_on_renewal"] = e.max_validity_on_renewal;
    j["note"] = e.note;
    const std::string dumped = j.dump(2); // no raw newline can occur inside a dumped string
    text += index == 0 ? "\n    " : ",\n    ";
    for (std::size_t at = 0;;) {
      const std::size_t nl = dumped.find('\n', at);
      if (nl == std::string::npos) {
        text.append(dumped, at);
        break;
      }
      text.append(dumped, at, nl + 1 - at).append("    ");
      at = nl + 1;
    }
  });
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
  const auto cells = [](const ExpiryEntry& e) {
    return std::vector<std::string>{std::string(to_string(e.status)), std::to_string(e.days_left), e.cert.not_after.substr(0, 10),
                                    e.cert.subject_cn, e.cert.issuer,
                                    e.renew_by + (e.max_validity_on_renewal ? fmt::format(" (max {} d)", e.max_validity_on_renewal) : "") +
                                        (e.note.empty() ? "" : " (" + e.note + ")"),
                                    fmt::format("{}", fmt::join(e.sources, ", "))};
  };
  if (markdown) {
    const auto line = [](const std::vector<std::string>& row, std::string& text) {
      text += "|";
      for (const auto& c : row) {
        text += " ";
        text += quote::markdown_cell(c);
        text += " |";
      }
      text += "\n";
    };
    std::string head = "# Certificate expiry\n\n";
    line(header, head);
    head += "|";
    for (std::size_t i = 0; i < header.size(); ++i) {
      head += "---|";
    }
    out << head << "\n";
    rows(r, out, [&](const ExpiryEntry& e, std::size_t, std::string& text) { line(cells(e), text); });
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
    in_order(
        r,
        [&](std::size_t begin, std::size_t end) {
          std::vector<std::size_t> local(header.size(), 0);
          r.for_each(begin, end, [&](const ExpiryEntry& e) { measure(cells(e), local); }, false);
          std::lock_guard lock(width_mutex);
          for (std::size_t i = 0; i < local.size(); ++i) {
            width[i] = std::max(width[i], local[i]);
          }
          return std::string();
        },
        [](const std::string&) {});
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
    });
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
      false);
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

void render_expiry(const ExpiryReport& r, const std::string& format, std::ostream& out, bool color) {
  if (format == "json") {
    render_json(r, out);
    return;
  }
  if (format == "csv") {
    out << "source,subject_cn,sans,issuer,not_before,not_after,days_left,status,sha256_fingerprint,renew_by\n";
    rows(r, out, [](const ExpiryEntry& e, std::size_t, std::string& text) {
      // Numbers, dates, statuses and fingerprints are certplan's own text; the rest came from
      // files and certificates and is quoted (RFC 4180, formulas neutralised).
      text += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", quote::csv_field(fmt::format("{}", fmt::join(e.sources, " "))),
                         quote::csv_field(e.cert.subject_cn), quote::csv_field(fmt::format("{}", fmt::join(e.cert.dns_sans, " "))),
                         quote::csv_field(e.cert.issuer), e.cert.not_before, e.cert.not_after, e.days_left, to_string(e.status),
                         e.cert.sha256_fingerprint, e.renew_by);
    });
    return;
  }
  if (format == "prometheus") {
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
      });
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
  }
  if (format == "nagios") {
    render_nagios(r, out);
    return;
  }
  if (format == "ics") {
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
    });
    out << "END:VCALENDAR\r\n";
    return;
  }
  render_table(r, out, format == "markdown", color);
}

} // namespace certplan
