#include "x509/der_fields.hpp"
#include "x509/ip_text.hpp"

#include <certplan/x509.hpp>

#include <array>
#include <cstdio>

namespace certplan::x509 {
namespace {

using Bytes = std::basic_string_view<std::uint8_t>;

// One DER element. Only single-byte tags and definite lengths: DER never needs more for a
// certificate, and whatever uses more is left to Botan.
struct Tlv {
  std::uint8_t tag = 0;
  Bytes value;
};

class Reader {
public:
  explicit Reader(Bytes b) : m_rest(b) {}
  bool empty() const { return m_rest.empty(); }

  // Reads the next element; false when it is malformed or runs past the end.
  bool next(Tlv& out) {
    if (m_rest.size() < 2 || (m_rest[0] & 0x1F) == 0x1F) {
      return false;
    }
    out.tag = m_rest[0];
    std::size_t len = m_rest[1];
    std::size_t header = 2;
    if (len & 0x80) {
      const std::size_t n = len & 0x7F;
      if (n == 0 || n > 4 || m_rest.size() < 2 + n || m_rest[2] == 0) {
        return false;
      }
      len = 0;
      for (std::size_t i = 0; i < n; ++i) {
        len = (len << 8) | m_rest[2 + i];
      }
      if (len < 0x80) {
        return false; // DER uses the short form here; Botan re-encodes, and the fingerprint would differ
      }
      header += n;
    }
    if (len > m_rest.size() - header) {
      return false;
    }
    out.value = m_rest.substr(header, len);
    m_rest.remove_prefix(header + len);
    return true;
  }

  // The next element if it has `tag`; otherwise leaves the reader where it was.
  bool next_if(std::uint8_t tag, Tlv& out) {
    Reader probe = *this;
    if (!probe.next(out) || out.tag != tag) {
      return false;
    }
    *this = probe;
    return true;
  }

private:
  Bytes m_rest;
};

constexpr std::uint8_t k_sequence = 0x30;
constexpr std::uint8_t k_set = 0x31;
constexpr std::uint8_t k_integer = 0x02;
constexpr std::uint8_t k_oid = 0x06;
constexpr std::uint8_t k_boolean = 0x01;
constexpr std::uint8_t k_octets = 0x04;
constexpr std::uint8_t k_bits = 0x03;

const Bytes k_cn_oid{reinterpret_cast<const std::uint8_t*>("\x55\x04\x03"), 3};     // 2.5.4.3
const Bytes k_san_oid{reinterpret_cast<const std::uint8_t*>("\x55\x1D\x11"), 3};    // 2.5.29.17
const Bytes k_basic_oid{reinterpret_cast<const std::uint8_t*>("\x55\x1D\x13"), 3};  // 2.5.29.19

// Botan reads a malformed OID leniently (a last byte with its continuation bit set still ends
// the arc), so 55 04 83 is a CN to Botan; anything that is not a canonical OID is declined.
bool canonical_oid(const Tlv& oid) {
  if (oid.tag != k_oid || oid.value.empty() || (oid.value.back() & 0x80) != 0) {
    return false;
  }
  bool arc_start = true;
  for (const auto b : oid.value) {
    if (arc_start && b == 0x80) {
      return false; // a leading zero septet
    }
    arc_start = (b & 0x80) == 0;
  }
  return true;
}

// The first CN of a Name. Returns false for anything unexpected, including string types
// Botan converts (T61, BMP, Universal): those take the full parse.
bool first_cn(Bytes name, std::string& cn) {
  Reader rdns(name);
  Tlv set;
  bool found = false;
  while (!rdns.empty()) {
    if (!rdns.next(set) || set.tag != k_set) {
      return false;
    }
    Reader avas(set.value);
    Tlv ava;
    while (!avas.empty()) {
      if (!avas.next(ava) || ava.tag != k_sequence) {
        return false;
      }
      Reader parts(ava.value);
      Tlv oid;
      Tlv value;
      if (!parts.next(oid) || !canonical_oid(oid) || !parts.next(value) || !parts.empty()) {
        return false;
      }
      if (!found && oid.value == k_cn_oid) {
        switch (value.tag) {
        case 0x0C: // UTF8String
        case 0x12: // NumericString
        case 0x13: // PrintableString
        case 0x16: // IA5String
        case 0x1A: // VisibleString
          cn.assign(reinterpret_cast<const char*>(value.value.data()), value.value.size());
          found = true;
          break;
        default:
          return false;
        }
      }
    }
  }
  return true;
}

bool digits(Bytes s, std::size_t at, std::size_t n, unsigned& out) {
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, the only forms RFC 5280 allows
// (and the only ones Botan accepts: ASN1_Time::set_to, src/lib/asn1/asn1_time.cpp in 3.7.1).
bool read_time(const Tlv& t, long long& out) {
  const Bytes s = t.value;
  unsigned year = 0;
  std::size_t at = 0;
  if (t.tag == 0x17 && s.size() == 13) {
    if (!digits(s, 0, 2, year)) {
      return false;
    }
    year += year < 50 ? 2000 : 1900;
    at = 2;
  } else if (t.tag == 0x18 && s.size() == 15) {
    if (!digits(s, 0, 4, year)) {
      return false;
    }
    at = 4;
  } else {
    return false;
  }
  unsigned mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.back() != 'Z' || !digits(s, at, 2, mo) || !digits(s, at + 2, 2, d) || !digits(s, at + 4, 2, h) ||
      !digits(s, at + 6, 2, mi) || !digits(s, at + 8, 2, sec)) {
    return false;
  }
  // Odd values are left to Botan, which judges them.
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) {
    return false;
  }
  out = days_from_civil(year, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  return true;
}

bool read_san(Bytes ext_value, SanLists sans, DerFields& f) {
  Reader outer(ext_value);
  Tlv seq;
  if (!outer.next(seq) || seq.tag != k_sequence || !outer.empty()) {
    return false;
  }
  Reader names(seq.value);
  Tlv gn;
  while (!names.empty()) {
    if (!names.next(gn)) {
      return false;
    }
    if (sans == SanLists::skip) {
      continue; // every entry was walked by next(): the same checks as when kept
    }
    if (gn.tag == 0x82) { // dNSName [2] IA5String
      f.dns.emplace_back(reinterpret_cast<const char*>(gn.value.data()), gn.value.size());
    } else if (gn.tag == 0x87 && (gn.value.size() == 4 || gn.value.size() == 16)) { // iPAddress [7]
      f.ip.push_back(ip_san_text(gn.value.data(), gn.value.size()));
    }
  }
  return true;
}

// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }.
// DER omits a FALSE default, so a present cA must be TRUE (0xFF); anything else is declined.
bool read_basic_constraints(Bytes value, DerFields& f) {
  Reader outer(value);
  Tlv seq;
  if (!outer.next(seq) || seq.tag != k_sequence || !outer.empty()) {
    return false;
  }
  Reader fields(seq.value);
  Tlv ca;
  if (fields.next_if(k_boolean, ca)) {
    if (ca.value.size() != 1 || ca.value[0] != 0xFF) {
      return false;
    }
    f.is_ca = true;
  }
  Tlv path_len;
  fields.next_if(k_integer, path_len);
  return fields.empty();
}

bool read_extensions(Bytes explicit3, SanLists sans, DerFields& f) {
  Reader outer(explicit3);
  Tlv seq;
  if (!outer.next(seq) || seq.tag != k_sequence || !outer.empty()) {
    return false;
  }
  Reader exts(seq.value);
  Tlv ext;
  bool seen_san = false;
  bool seen_basic = false;
  while (!exts.empty()) {
    if (!exts.next(ext) || ext.tag != k_sequence) {
      return false;
    }
    Reader parts(ext.value);
    Tlv oid;
    Tlv critical;
    Tlv value;
    if (!parts.next(oid) || !canonical_oid(oid)) {
      return false;
    }
    parts.next_if(k_boolean, critical);
    if (!parts.next(value) || value.tag != k_octets || !parts.empty()) {
      return false;
    }
    if (oid.value == k_san_oid) {
      if (seen_san || !read_san(value.value, sans, f)) { // a repeated extension is Botan's to judge
        return false;
      }
      seen_san = true;
    } else if (oid.value == k_basic_oid) {
      if (seen_basic || !read_basic_constraints(value.value, f)) {
        return false;
      }
      seen_basic = true;
    }
  }
  return true;
}

} // namespace

bool decode_base64(std::string_view text, std::vector<std::uint8_t>& out) {
  // 0-63: the digit's value; 64: whitespace, skipped; 65: '='; 66: anything else.
  static const auto k_table = [] {
    std::array<std::uint8_t, 256> t{};
    t.fill(66);
    const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::uint8_t i = 0; i < 64; ++i) {
      t[static_cast<unsigned char>(digits[i])] = i;
    }
    for (const char c : {' ', '\t', '\r', '\n'}) {
      t[static_cast<unsigned char>(c)] = 64;
    }
    t['='] = 65;
    return t;
  }();
  // The digits' values already shifted to their place in a group of four, and a high bit for
  // anything else: a whole group is four lookups and an OR. Shifting per group, the decoder
  // was a third of expiry's instructions outside SHA-256 on a bundle; placed, half that
  // (callgrind, issue 18).
  static const auto k_placed = [] {
    std::array<std::array<std::uint32_t, 256>, 4> t{};
    for (std::size_t place = 0; place < 4; ++place) {
      for (std::size_t c = 0; c < 256; ++c) {
        t[place][c] = k_table[c] < 64 ? std::uint32_t{k_table[c]} << (18 - 6 * place) : 0x80000000U;
      }
    }
    return t;
  }();
  out.resize(text.size() / 4 * 3 + 3);
  std::uint8_t* const o = out.data();
  std::size_t n = 0;
  std::uint32_t acc = 0;
  unsigned have = 0;
  unsigned pad = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p != end) {
    // Whole groups of four digits, the body of every line, without the per-character state.
    if (have == 0 && pad == 0) {
      while (end - p >= 4) {
        const std::uint32_t v = k_placed[0][p[0]] | k_placed[1][p[1]] | k_placed[2][p[2]] | k_placed[3][p[3]];
        if ((v & 0x80000000U) != 0) {
          break; // a line break, padding or a bad character: one at a time below
        }
        o[n] = static_cast<std::uint8_t>(v >> 16);
        o[n + 1] = static_cast<std::uint8_t>(v >> 8);
        o[n + 2] = static_cast<std::uint8_t>(v);
        n += 3;
        p += 4;
      }
      if (p == end) {
        break;
      }
    }
    const std::uint8_t v = k_table[*p++];
    if (v < 64) {
      if (pad != 0) {
        return false; // a digit after padding
      }
      acc = acc << 6 | v;
      if (++have == 4) {
        out[n++] = static_cast<std::uint8_t>(acc >> 16);
        out[n++] = static_cast<std::uint8_t>(acc >> 8);
        out[n++] = static_cast<std::uint8_t>(acc);
        acc = 0;
        have = 0;
      }
    } else if (v == 65) {
      ++pad;
    } else if (v != 64) {
      return false;
    }
  }
  // Padding completes the last group: "xx==" holds one byte, "xxx=" two.
  if (pad > 2 || (have + pad) % 4 != 0 || (pad != 0 && have < 2)) {
    return false;
  }
  if (have == 2) {
    out[n++] = static_cast<std::uint8_t>(acc >> 4);
  } else if (have == 3) {
    out[n++] = static_cast<std::uint8_t>(acc >> 10);
    out[n++] = static_cast<std::uint8_t>(acc >> 2);
  }
  out.resize(n);
  return true;
}

long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

std::optional<DerFields> read_der_fields(Bytes der, SanLists sans) {
  Reader top(der);
  Tlv cert;
  if (!top.next(cert) || cert.tag != k_sequence || !top.empty()) {
    return std::nullopt;
  }
  Reader c(cert.value);
  Tlv tbs;
  Tlv sig_alg;
  Tlv sig;
  // Botan fingerprints its own re-encoding of the outer structure; these are the cases in
  // which that differs from the bytes read (a signature with unused bits, say).
  if (!c.next(tbs) || tbs.tag != k_sequence || !c.next(sig_alg) || sig_alg.tag != k_sequence || !c.next(sig) ||
      sig.tag != k_bits || sig.value.empty() || sig.value[0] != 0 || !c.empty()) {
    return std::nullopt;
  }
  {
    Reader a(sig_alg.value);
    Tlv oid;
    if (!a.next(oid) || !canonical_oid(oid)) {
      return std::nullopt;
    }
  }
  Reader t(tbs.value);
  Tlv version;
  Tlv serial;
  Tlv alg;
  Tlv issuer;
  Tlv validity;
  Tlv subject;
  Tlv spki;
  if (t.next_if(0xA0, version)) {
    Reader v(version.value);
    Tlv n;
    if (!v.next(n) || n.tag != k_integer || n.value.size() != 1 || n.value[0] > 2 || !v.empty()) {
      return std::nullopt;
    }
  }
  if (!t.next(serial) || serial.tag != k_integer || serial.value.empty() || (serial.value[0] & 0x80) ||
      !t.next(alg) || alg.tag != k_sequence || !t.next(issuer) || issuer.tag != k_sequence || !t.next(validity) ||
      validity.tag != k_sequence || !t.next(subject) || subject.tag != k_sequence || !t.next(spki) ||
      spki.tag != k_sequence) {
    return std::nullopt;
  }
  DerFields f;
  Reader v(validity.value);
  Tlv nb;
  Tlv na;
  if (!v.next(nb) || !v.next(na) || !v.empty() || !read_time(nb, f.not_before) || !read_time(na, f.not_after)) {
    return std::nullopt;
  }
  if (!first_cn(subject.value, f.subject_cn) || !first_cn(issuer.value, f.issuer_cn) || f.issuer_cn.empty()) {
    return std::nullopt; // an issuer without a CN is shown as its whole DN, which Botan formats
  }
  Tlv unique;
  t.next_if(0x81, unique); // issuerUniqueID
  t.next_if(0x82, unique); // subjectUniqueID
  Tlv ext;
  if (t.next_if(0xA3, ext) && !read_extensions(ext.value, sans, f)) {
    return std::nullopt;
  }
  if (!t.empty()) {
    return std::nullopt;
  }
  static constexpr char k_hex[] = "0123456789ABCDEF";
  Bytes s = serial.value;
  while (!s.empty() && s[0] == 0) {
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt; // serial 0: Botan's BigInt encoding of zero, not ours to guess
  }
  f.serial_hex.reserve(s.size() * 2);
  for (const auto b : s) {
    f.serial_hex += k_hex[b >> 4];
    f.serial_hex += k_hex[b & 0xF];
  }
  f.same_subject_and_issuer = subject.value == issuer.value;
  return f;
}

} // namespace certplan::x509

namespace certplan {

std::string format_rfc3339(long long t) {
  long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  const long long secs = t - days * 86400;
  // Howard Hinnant's civil_from_days.
  days += 719468;
  const long long era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
  const auto s = static_cast<unsigned>(secs); // 0..86399
  if (y < 0 || y > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld-%02u-%02uT%02u:%02u:%02uZ", y, m, d, s / 3600 % 24, s / 60 % 60, s % 60);
    return buf;
  }
  // Digits by hand: snprintf was 5% of an expiry run over 100,000 certificates.
  char out[] = "0000-00-00T00:00:00Z";
  const auto two = [&out](std::size_t at, unsigned v) {
    out[at] = static_cast<char>('0' + v / 10);
    out[at + 1] = static_cast<char>('0' + v % 10);
  };
  const auto year = static_cast<unsigned>(y);
  two(0, year / 100);
  two(2, year % 100);
  two(5, m);
  two(8, d);
  two(11, s / 3600);
  two(14, s / 60 % 60);
  two(17, s % 60);
  return std::string(out, 20);
}

std::size_t der_element_size(std::string_view data) {
  const x509::Bytes bytes(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  x509::Reader r(bytes);
  x509::Tlv t;
  if (!r.next(t)) {
    return 0;
  }
  return static_cast<std::size_t>(t.value.data() + t.value.size() - bytes.data());
}

} // namespace certplan
