// `certplan expiry`'s report: certificates merged, judged and sorted; src/render/expiry.cpp
// renders it.
#include <certplan/rules.hpp>
#include <certplan/error.hpp>
#include <certplan/expiry.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

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

// "AB:CD:...", into `out`'s own memory: for_each runs once or twice per certificate.
void fingerprint_hex(const std::array<std::uint8_t, 32>& b, std::string& out) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  out.assign(b.size() * 3 - 1, ':');
  for (std::size_t i = 0; i < b.size(); ++i) {
    out[i * 3] = k_hex[b[i] >> 4];
    out[i * 3 + 1] = k_hex[b[i] & 0xF];
  }
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
  std::string& rec = m_record;
  rec.clear();
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
  m_adding.push_back({prefix, c.not_after_unix, order, offset, static_cast<std::uint32_t>(rec.size()), failed ? 1U : 0U,
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
  m_records.reserve(m_records.size() + m_adding.size());
  while (!m_adding.empty()) {
    m_records.push_back(m_adding.front());
    m_adding.pop_front(); // a block freed as soon as it is copied: never two whole copies
  }
  m_adding.shrink_to_fit();
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
                            ExpiryFields fields) const {
  std::string buf; // a record when the spill is not mapped; a view of the mapping otherwise
  std::string note;
  std::vector<std::pair<std::size_t, std::string>> notes; // (source index, note)
  ExpiryEntry e;
  CertificateInfo& c = e.cert;
  for (std::size_t i = begin; i < end && i < m_entries.size(); ++i) {
    const Entry& entry = m_entries[i];
    const Record& r = m_records[entry.first];
    std::string_view in = m_spill.view(r.offset, r.size, buf);
    std::array<std::uint8_t, 32> fp{};
    std::memcpy(fp.data(), in.data(), fp.size());
    in.remove_prefix(fp.size());
    e.sources.resize(1);
    get(in, e.sources[0]);
    get(in, c.subject_cn);
    get(in, c.issuer);
    if (fields.serial) {
      get(in, c.serial);
    } else {
      in.remove_prefix(get_u32(in));
      c.serial.clear();
    }
    if (fields.sans) {
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
    notes.clear();
    get(in, note);
    if (!note.empty()) {
      notes.emplace_back(0, note);
    }
    c.not_before_unix = r.not_after - r.lifetime;
    c.not_after_unix = r.not_after;
    if (fields.not_before) {
      c.not_before = x509_time(c.not_before_unix);
    } else {
      c.not_before.clear();
    }
    c.not_after = x509_time(r.not_after);
    if (fields.fingerprint) {
      fingerprint_hex(fp, c.sha256_fingerprint);
    } else {
      c.sha256_fingerprint.clear();
    }
    for (std::uint32_t k = 1; k < entry.count; ++k) {
      const Record& dup = m_records[entry.first + k];
      std::string_view din = m_spill.view(dup.offset, dup.size, buf).substr(fp.size());
      get(din, e.sources.emplace_back());
      for (int field = 0; field < 3; ++field) {
        din.remove_prefix(get_u32(din)); // CN, issuer, serial: the certificate's, as the first record's
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

} // namespace certplan
