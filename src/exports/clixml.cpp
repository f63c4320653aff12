// CLIXML, the serialization of Export-Clixml ([MS-PSRP] 2.2.5), read with pugixml into PsNodes.
#include "util/base64.hpp"
#include <certplan/server_export.hpp>

#include <fmt/format.h>
#include "util/text.hpp"
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

namespace certplan::exports {
namespace {

// Deeper than any real export (E19's GetWebSite nests 9 levels): a bound on the recursion.
constexpr int k_max_depth = 64;


void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Line starts of the text, for offset -> line:column.
class Lines {
public:
  Lines(std::string_view text, std::string source) : m_source(std::move(source)) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        m_starts.push_back(i + 1);
      }
    }
  }
  SourcePos at(std::ptrdiff_t offset) const {
    if (offset < 0) {
      return {m_source, 0, 0};
    }
    const auto o = static_cast<std::size_t>(offset);
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), o);
    const auto line = static_cast<std::size_t>(it - m_starts.begin());
    return {m_source, static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(o - m_starts[line - 1] + 1)};
  }

private:
  std::string m_source;
  std::vector<std::size_t> m_starts;
};

std::string base64_decode(std::string_view s, const SourcePos& where) {
  char bad = 0;
  auto out = util::base64_decode(s, &bad);
  if (!out) {
    throw_input(where, fmt::format("not base64: character '{}'", bad));
  }
  return std::move(*out);
}

class Reader {
public:
  Reader(std::string_view text, const std::string& source) : m_lines(text, source) {}

  SourcePos pos(const pugi::xml_node& n) const { return m_lines.at(n.offset_debug()); }
  const Lines& lines() const { return m_lines; }

  std::shared_ptr<const PsNode> value(const pugi::xml_node& e, int depth) {
    if (depth > k_max_depth) {
      throw_input(pos(e), fmt::format("objects nested deeper than {} levels", k_max_depth));
    }
    const std::string_view tag = e.name();
    if (tag == "Ref") {
      const auto it = m_objects.find(e.attribute("RefId").value());
      if (it == m_objects.end()) {
        throw_input(pos(e), fmt::format("<Ref RefId=\"{}\"> names no object before it", e.attribute("RefId").value()));
      }
      return it->second;
    }
    auto n = std::make_shared<PsNode>();
    n->where = pos(e);
    if (tag == "Obj") {
      object(e, *n, depth);
      if (const auto id = e.attribute("RefId"); id) {
        m_objects[id.value()] = n;
      }
      return n;
    }
    const std::string text = decode_xml_escapes(e.child_value());
    n->text = text;
    if (tag == "Nil") {
      n->kind = PsNode::Kind::null;
    } else if (tag == "S" || tag == "URI" || tag == "Version" || tag == "G" || tag == "C" || tag == "XD" ||
               tag == "SBK" || tag == "TS") {
      n->kind = PsNode::Kind::string;
    } else if (tag == "B") {
      n->kind = PsNode::Kind::boolean;
    } else if (tag == "DT") {
      n->kind = PsNode::Kind::date;
    } else if (tag == "BA") {
      n->kind = PsNode::Kind::bytes;
      n->bytes = base64_decode(text, n->where);
      n->text.clear();
    } else if (tag == "I32" || tag == "I64" || tag == "U32" || tag == "U64" || tag == "I16" || tag == "U16" ||
               tag == "By" || tag == "SB" || tag == "Db" || tag == "Sg" || tag == "D") {
      n->kind = PsNode::Kind::number;
    } else {
      // SS, PR and anything newer: kept as text, never guessed at.
      n->kind = PsNode::Kind::string;
    }
    return n;
  }

private:
  void object(const pugi::xml_node& e, PsNode& n, int depth) {
    n.kind = PsNode::Kind::object;
    for (const auto& c : e.children()) {
      if (c.type() != pugi::node_element) {
        continue;
      }
      const std::string_view tag = c.name();
      if (tag == "TN") {
        std::vector<std::string> names;
        for (const auto& t : c.children("T")) {
          std::string name = decode_xml_escapes(t.child_value());
          if (name.starts_with("Deserialized.")) {
            name.erase(0, 13);
          }
          names.push_back(std::move(name));
        }
        m_types[c.attribute("RefId").value()] = names;
        n.type_names = std::move(names);
      } else if (tag == "TNRef") {
        const auto it = m_types.find(c.attribute("RefId").value());
        if (it == m_types.end()) {
          throw_input(pos(c), fmt::format("<TNRef RefId=\"{}\"> names no type list before it", c.attribute("RefId").value()));
        }
        n.type_names = it->second;
      } else if (tag == "ToString") {
        n.text = decode_xml_escapes(c.child_value());
      } else if (tag == "Props" || tag == "MS") {
        for (const auto& p : c.children()) {
          if (p.type() == pugi::node_element) {
            n.props.emplace_back(decode_xml_escapes(p.attribute("N").value()), value(p, depth + 1));
          }
        }
      } else if (tag == "LST" || tag == "IE" || tag == "STK" || tag == "QUE") {
        for (const auto& p : c.children()) {
          if (p.type() == pugi::node_element) {
            n.items.push_back(value(p, depth + 1));
          }
        }
      } else if (tag == "DCT") {
        // Each <En> holds a Key and a Value: an object of those two properties.
        for (const auto& en : c.children("En")) {
          auto entry = std::make_shared<PsNode>();
          entry->kind = PsNode::Kind::object;
          entry->where = pos(en);
          for (const auto& p : en.children()) {
            if (p.type() == pugi::node_element) {
              entry->props.emplace_back(decode_xml_escapes(p.attribute("N").value()), value(p, depth + 1));
            }
          }
          n.items.push_back(std::move(entry));
        }
      } else if (n.text.empty()) {
        // An enum or a wrapped primitive: <Obj><TN/><ToString>Name</ToString><I32>0</I32></Obj>.
        n.text = decode_xml_escapes(c.child_value());
      }
    }
  }

  Lines m_lines;
  std::map<std::string, std::shared_ptr<const PsNode>, std::less<>> m_objects;
  std::map<std::string, std::vector<std::string>, std::less<>> m_types;
};

} // namespace

const PsNode* PsNode::get(std::string_view name) const {
  for (const auto& [k, v] : props) {
    if (util::iequals_ascii(k, name)) {
      return v.get();
    }
  }
  return nullptr;
}

std::string PsNode::text_of(std::string_view name) const {
  const PsNode* p = get(name);
  return p == nullptr || p->kind == Kind::null ? "" : p->text;
}

bool PsNode::has_type(std::string_view suffix) const {
  return std::any_of(type_names.begin(), type_names.end(), [&](const std::string& t) { return t.ends_with(suffix); });
}

std::string decode_xml_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      std::uint32_t cp = 0;
      bool ok = true;
      for (std::size_t k = i + 2; k < i + 6; ++k) {
        const int v = hex_value(s[k]);
        ok = ok && v >= 0;
        cp = (cp << 4) | static_cast<std::uint32_t>(std::max(v, 0));
      }
      if (ok) {
        // A surrogate pair is written as two escapes.
        if (cp >= 0xD800 && cp < 0xDC00 && i + 13 < s.size() && s[i + 7] == '_' && s[i + 8] == 'x' &&
            s[i + 13] == '_') {
          std::uint32_t lo = 0;
          bool lo_ok = true;
          for (std::size_t k = i + 9; k < i + 13; ++k) {
            const int v = hex_value(s[k]);
            lo_ok = lo_ok && v >= 0;
            lo = (lo << 4) | static_cast<std::uint32_t>(std::max(v, 0));
          }
          if (lo_ok && lo >= 0xDC00 && lo < 0xE000) {
            append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
            i += 13;
            continue;
          }
        }
        append_utf8(out, cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp);
        i += 6;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string to_utf8(std::string_view raw, const std::string& source) {
  if (raw.starts_with("\xEF\xBB\xBF")) {
    return std::string(raw.substr(3));
  }
  const bool le_bom = raw.starts_with("\xFF\xFE");
  const bool be_bom = raw.starts_with("\xFE\xFF");
  // No BOM: UTF-16LE shows as '<' or '[' or '{' followed by a NUL.
  const bool le_bare = !le_bom && !be_bom && raw.size() >= 2 && raw[1] == '\0' && raw[0] != '\0';
  if (!le_bom && !be_bom && !le_bare) {
    return std::string(raw);
  }
  const bool le = le_bom || le_bare;
  const std::size_t start = le_bare ? 0 : 2;
  if ((raw.size() - start) % 2 != 0) {
    throw_input({source, 0, 0}, "UTF-16 text with an odd number of bytes");
  }
  std::string out;
  out.reserve(raw.size() / 2);
  const auto unit = [&](std::size_t i) {
    const auto a = static_cast<unsigned char>(raw[i]);
    const auto b = static_cast<unsigned char>(raw[i + 1]);
    return static_cast<std::uint32_t>(le ? (a | (b << 8)) : ((a << 8) | b));
  };
  for (std::size_t i = start; i < raw.size(); i += 2) {
    std::uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < raw.size()) {
      const std::uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xD800 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    append_utf8(out, cp);
  }
  return out;
}

std::optional<ExportFormat> sniff_format(std::string_view utf8) {
  const auto first = utf8.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  if (utf8[first] == '[' || utf8[first] == '{') {
    return ExportFormat::json;
  }
  // Export-Clixml writes <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">.
  const auto objs = utf8.find("<Objs");
  if (utf8[first] == '<' && objs != std::string_view::npos && objs < 512 &&
      utf8.find("schemas.microsoft.com/powershell/2004/04") != std::string_view::npos) {
    return ExportFormat::clixml;
  }
  return std::nullopt;
}

std::vector<std::shared_ptr<const PsNode>> read_clixml(std::string_view utf8, const std::string& source) {
  // Parsed in place from our own copy, with no encoding conversion, so offsets are the file's.
  std::string buffer(utf8);
  pugi::xml_document doc;
  const auto r = doc.load_buffer_inplace(buffer.data(), buffer.size(), pugi::parse_default, pugi::encoding_utf8);
  Reader reader(utf8, source);
  if (!r) {
    throw_input(reader.lines().at(r.offset), fmt::format("not well-formed XML: {}", r.description()));
  }
  const auto root = doc.document_element();
  if (std::string_view(root.name()) != "Objs") {
    throw_input(reader.pos(root), fmt::format("not CLIXML: the root element is <{}>, not <Objs>", root.name()));
  }
  std::vector<std::shared_ptr<const PsNode>> out;
  for (const auto& c : root.children()) {
    if (c.type() == pugi::node_element) {
      out.push_back(reader.value(c, 0));
    }
  }
  return out;
}

} // namespace certplan::exports
