// The SerializationData blob of Get-ExchangeCertificate: a .NET BinaryFormatter stream
// ([MS-NRBF]). Services, Status and the self-signed flag exist only there (the CLIXML's plain
// part is the X509Certificate2's RawData). This reads the record kinds such a stream is made
// of, bounded (records, depth, lengths), and picks the few members certplan needs from the
// ExchangeCertificate class record; it never instantiates or trusts anything it reads.
#include <certplan/server_export.hpp>

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <stdexcept>

namespace certplan::exports {
namespace {

constexpr std::size_t k_max_records = 100000;
constexpr int k_max_depth = 32;

struct Bad final : std::exception {};

// A member value as far as certplan cares: an integer, a string, or the object it is.
struct Value {
  enum class Kind { none, integer, string, object, reference } kind = Kind::none;
  long long integer = 0;
  std::string text;
  std::int32_t id = 0; // object or reference id
};

struct ClassLayout {
  std::string name;
  std::vector<std::string> members;
  std::vector<std::uint8_t> binary_types; // BinaryTypeEnumeration
  std::vector<std::uint8_t> primitive;    // PrimitiveTypeEnumeration, for Primitive / PrimitiveArray
};

struct Object {
  std::string class_name;
  std::map<std::string, Value> members;
};

class Stream {
public:
  explicit Stream(std::string_view b) : m_b(b) {}

  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(m_b[m_p++]);
  }
  std::int32_t i32() {
    need(4);
    std::uint32_t v = 0;
    for (int k = 3; k >= 0; --k) {
      v = (v << 8) | static_cast<unsigned char>(m_b[m_p + static_cast<std::size_t>(k)]);
    }
    m_p += 4;
    return static_cast<std::int32_t>(v);
  }
  long long sized_int(std::size_t n, bool is_signed) {
    need(n);
    unsigned long long v = 0;
    for (std::size_t k = n; k-- > 0;) {
      v = (v << 8) | static_cast<unsigned char>(m_b[m_p + k]);
    }
    m_p += n;
    if (is_signed && n < 8 && (v >> (n * 8 - 1)) != 0) {
      v |= ~0ULL << (n * 8);
    }
    return static_cast<long long>(v);
  }
  void skip(std::size_t n) {
    need(n);
    m_p += n;
  }
  // LengthPrefixedString: a 7-bit encoded length (at most 5 bytes), then UTF-8.
  std::string lps() {
    std::uint32_t n = 0;
    for (int shift = 0;; shift += 7) {
      if (shift > 28) {
        throw Bad{};
      }
      const std::uint8_t c = u8();
      n |= static_cast<std::uint32_t>(c & 0x7F) << shift;
      if ((c & 0x80) == 0) {
        break;
      }
    }
    need(n);
    std::string s(m_b.substr(m_p, n));
    m_p += n;
    return s;
  }
  bool done() const { return m_p >= m_b.size(); }
  std::size_t left() const { return m_b.size() - m_p; }

private:
  void need(std::size_t n) const {
    if (m_b.size() - m_p < n) {
      throw Bad{};
    }
  }
  std::string_view m_b;
  std::size_t m_p = 0;
};

class Decoder {
public:
  explicit Decoder(std::string_view b) : m_s(b) {}

  // Every record up to MessageEnd; the objects by id.
  void run() {
    while (!m_s.done()) {
      if (record(0).kind == Value::Kind::none && m_end) {
        return;
      }
    }
  }
  const std::map<std::int32_t, Object>& objects() const { return m_objects; }

private:
  Value primitive(std::uint8_t type) {
    Value v;
    v.kind = Value::Kind::integer;
    switch (type) {
    case 1: v.integer = m_s.u8() != 0; break;            // Boolean
    case 2: v.integer = m_s.u8(); break;                 // Byte
    case 10: v.integer = m_s.sized_int(1, true); break;  // SByte
    case 7: v.integer = m_s.sized_int(2, true); break;   // Int16
    case 14: v.integer = m_s.sized_int(2, false); break; // UInt16
    case 8: v.integer = m_s.sized_int(4, true); break;   // Int32
    case 15: v.integer = m_s.sized_int(4, false); break; // UInt32
    case 9:
    case 12:
    case 13:
    case 16: v.integer = m_s.sized_int(8, type == 9); break; // Int64, TimeSpan, DateTime, UInt64
    case 6: m_s.skip(8); break;                              // Double
    case 11: m_s.skip(4); break;                             // Single
    case 5:                                                  // Decimal, as a string
    case 18:
      v.kind = Value::Kind::string;
      v.text = m_s.lps();
      break;
    case 3: { // Char: one UTF-8 sequence
      const std::uint8_t c = m_s.u8();
      m_s.skip(c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3);
      break;
    }
    case 17: v.kind = Value::Kind::none; break; // Null
    default: throw Bad{};
    }
    return v;
  }

  ClassLayout layout(bool with_types) {
    ClassLayout l;
    l.name = m_s.lps();
    const std::int32_t n = m_s.i32();
    if (n < 0 || static_cast<std::size_t>(n) > m_s.left()) {
      throw Bad{};
    }
    for (std::int32_t i = 0; i < n; ++i) {
      l.members.push_back(m_s.lps());
    }
    if (!with_types) {
      throw Bad{}; // ClassWithMembers / SystemClassWithMembers: values of unknown types
    }
    for (std::int32_t i = 0; i < n; ++i) {
      l.binary_types.push_back(m_s.u8());
    }
    l.primitive.assign(static_cast<std::size_t>(n), 0);
    for (std::int32_t i = 0; i < n; ++i) {
      switch (l.binary_types[static_cast<std::size_t>(i)]) {
      case 0:
      case 7: l.primitive[static_cast<std::size_t>(i)] = m_s.u8(); break;
      case 3: m_s.lps(); break;
      case 4:
        m_s.lps();
        m_s.i32();
        break;
      case 1:
      case 2:
      case 5:
      case 6: break;
      default: throw Bad{};
      }
    }
    return l;
  }

  Value object_values(std::int32_t id, const ClassLayout& l, int depth) {
    Object o;
    o.class_name = l.name;
    for (std::size_t i = 0; i < l.members.size(); ++i) {
      o.members[l.members[i]] = l.binary_types[i] == 0 ? primitive(l.primitive[i]) : record(depth + 1);
    }
    m_objects[id] = std::move(o);
    Value v;
    v.kind = Value::Kind::object;
    v.id = id;
    return v;
  }

  // Elements of an array of records; ObjectNullMultiple counts several.
  void elements(std::int64_t count, int depth) {
    for (std::int64_t k = 0; k < count;) {
      const Value v = record(depth + 1);
      k += v.kind == Value::Kind::none && m_nulls > 0 ? m_nulls : 1;
      m_nulls = 0;
    }
  }

  Value record(int depth) {
    if (depth > k_max_depth || ++m_records > k_max_records) {
      throw Bad{};
    }
    std::uint8_t type = m_s.u8();
    // The header and BinaryLibrary records precede the record they belong to: a loop, not
    // recursion, however many there are.
    while (type == 0 || type == 12) {
      if (type == 0) {
        m_s.skip(16);
      } else {
        m_s.i32();
        m_s.lps();
      }
      if (++m_records > k_max_records) {
        throw Bad{};
      }
      type = m_s.u8();
    }
    switch (type) {
    case 5:   // ClassWithMembersAndTypes
    case 4: { // SystemClassWithMembersAndTypes
      const std::int32_t id = m_s.i32();
      ClassLayout l = layout(true);
      if (type == 5) {
        m_s.i32(); // library id
      }
      const auto [it, fresh] = m_layouts.emplace(id, std::move(l));
      if (!fresh) {
        throw Bad{};
      }
      return object_values(id, it->second, depth);
    }
    case 1: { // ClassWithId: the layout of an earlier class record
      const std::int32_t id = m_s.i32();
      const auto it = m_layouts.find(m_s.i32());
      if (it == m_layouts.end()) {
        throw Bad{};
      }
      const ClassLayout l = it->second;
      return object_values(id, l, depth);
    }
    case 6: { // BinaryObjectString
      Value v;
      v.kind = Value::Kind::string;
      v.id = m_s.i32();
      v.text = m_s.lps();
      m_strings[v.id] = v.text;
      return v;
    }
    case 9: { // MemberReference
      Value v;
      v.kind = Value::Kind::reference;
      v.id = m_s.i32();
      return v;
    }
    case 10: return {}; // ObjectNull
    case 13: m_nulls = m_s.u8(); return {};
    case 14: {
      const std::int32_t n = m_s.i32();
      if (n < 0) {
        throw Bad{};
      }
      m_nulls = n;
      return {};
    }
    case 11: m_end = true; return {}; // MessageEnd
    case 8: { // MemberPrimitiveTyped
      return primitive(m_s.u8());
    }
    case 15: { // ArraySinglePrimitive
      m_s.i32();
      const std::int32_t n = m_s.i32();
      const std::uint8_t t = m_s.u8();
      if (n < 0) {
        throw Bad{};
      }
      if (t == 2) {
        m_s.skip(static_cast<std::size_t>(n));
      } else {
        for (std::int32_t k = 0; k < n; ++k) {
          primitive(t);
        }
      }
      return {};
    }
    case 16:   // ArraySingleObject
    case 17: { // ArraySingleString
      m_s.i32();
      const std::int32_t n = m_s.i32();
      if (n < 0 || static_cast<std::size_t>(n) > m_s.left()) {
        throw Bad{};
      }
      elements(n, depth);
      return {};
    }
    case 7: { // BinaryArray
      m_s.i32();
      const std::uint8_t shape = m_s.u8();
      const std::int32_t rank = m_s.i32();
      if (rank < 1 || rank > 8) {
        throw Bad{};
      }
      std::int64_t count = 1;
      for (std::int32_t k = 0; k < rank; ++k) {
        const std::int32_t len = m_s.i32();
        if (len < 0) {
          throw Bad{};
        }
        count *= len;
        if (count > static_cast<std::int64_t>(m_s.left()) + 1) {
          throw Bad{};
        }
      }
      if (shape >= 3) {
        m_s.skip(static_cast<std::size_t>(rank) * 4); // lower bounds
      }
      const std::uint8_t bt = m_s.u8();
      std::uint8_t prim = 0;
      if (bt == 0 || bt == 7) {
        prim = m_s.u8();
      } else if (bt == 3) {
        m_s.lps();
      } else if (bt == 4) {
        m_s.lps();
        m_s.i32();
      }
      if (bt == 0) {
        for (std::int64_t k = 0; k < count; ++k) {
          primitive(prim);
        }
      } else {
        elements(count, depth);
      }
      return {};
    }
    default: throw Bad{}; // MethodCall/MethodReturn and anything unknown: not a certificate blob
    }
  }

  Stream m_s;
  std::map<std::int32_t, ClassLayout> m_layouts;
  std::map<std::int32_t, Object> m_objects;
  std::map<std::int32_t, std::string> m_strings;
  std::size_t m_records = 0;
  std::int64_t m_nulls = 0;
  bool m_end = false;

public:
  std::optional<long long> integer_of(const Value& v) const {
    if (v.kind == Value::Kind::integer) {
      return v.integer;
    }
    // An enum is a class record whose one member is value__.
    if (v.kind == Value::Kind::object || v.kind == Value::Kind::reference) {
      const auto it = m_objects.find(v.id);
      if (it != m_objects.end()) {
        const auto m = it->second.members.find("value__");
        if (m != it->second.members.end() && m->second.kind == Value::Kind::integer) {
          return m->second.integer;
        }
      }
    }
    return std::nullopt;
  }
  std::string string_of(const Value& v) const {
    if (v.kind == Value::Kind::string) {
      return v.text;
    }
    if (v.kind == Value::Kind::reference) {
      const auto it = m_strings.find(v.id);
      return it == m_strings.end() ? "" : it->second;
    }
    return "";
  }
};

// The stream header: record 0, root id, header id, major 1, minor 0.
constexpr unsigned char k_header[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
                                      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

} // namespace

std::optional<CertificateBlob> read_certificate_blob(std::string_view blob) {
  // Newer exports put "#sig#" and a signature before the stream: start at the stream header.
  const std::string_view header(reinterpret_cast<const char*>(k_header), sizeof k_header);
  if (blob.starts_with("#sig#")) {
    const auto at = blob.find(header);
    if (at == std::string_view::npos || at > 256) {
      return std::nullopt;
    }
    blob.remove_prefix(at);
  }
  if (!blob.starts_with(header)) {
    return std::nullopt;
  }
  try {
    Decoder d(blob);
    d.run();
    for (const auto& [id, o] : d.objects()) {
      if (!o.class_name.ends_with(".ExchangeCertificate")) {
        continue;
      }
      CertificateBlob out;
      const auto member = [&](const char* name) -> const Value* {
        const auto it = o.members.find(name);
        return it == o.members.end() ? nullptr : &it->second;
      };
      if (const auto* v = member("Services"); v != nullptr) {
        if (const auto n = d.integer_of(*v); n && *n >= 0) {
          out.services = static_cast<std::uint32_t>(*n);
        }
      }
      if (const auto* v = member("Status"); v != nullptr) {
        if (const auto n = d.integer_of(*v)) {
          out.status = static_cast<std::int32_t>(*n);
        }
      }
      if (const auto* v = member("SelfSigned"); v != nullptr) {
        if (const auto n = d.integer_of(*v)) {
          out.self_signed = *n != 0;
        }
      }
      if (const auto* v = member("Identity"); v != nullptr) {
        out.identity = d.string_of(*v);
      }
      return out;
    }
    return std::nullopt;
  } catch (const Bad&) {
    return std::nullopt;
  }
}

std::string services_to_string(std::uint32_t s) {
  static const std::pair<std::uint32_t, const char*> k_names[] = {{1, "IMAP"}, {2, "POP"},  {4, "UM"},
                                                                  {8, "IIS"},  {16, "SMTP"}, {32, "Federation"},
                                                                  {64, "UMCallRouter"}};
  std::string out;
  for (const auto& [bit, name] : k_names) {
    if ((s & bit) != 0) {
      out += out.empty() ? name : std::string(", ") + name;
    }
  }
  return out.empty() ? "None" : out;
}

std::string status_to_string(std::int32_t status) {
  static const char* const k_names[] = {"Unknown", "Valid", "Revoked", "DateInvalid", "Untrusted", "Invalid",
                                        "RevocationCheckFailure", "PendingRequest"};
  return status >= 0 && status < 8 ? k_names[status] : fmt::format("{}", status);
}

} // namespace certplan::exports
