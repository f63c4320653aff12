// A streaming JSON writer: the bytes nlohmann's dump(2) (or dump() when compact) gives for the
// same document, written as it goes into a buffer flushed to a stream, so a hoster's plan is
// never a tree (or a whole string) in memory. Strings go through nlohmann's own serializer,
// so escaping and UTF-8 checking are exactly dump()'s.
#pragma once

#include <certplan/render.hpp>

#include "render/text_sink.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace certplan {

class JsonWriter {
public:
  JsonWriter(std::ostream& out, JsonStyle style)
      : m_sink(std::make_unique<TextSink>(out)), m_buf(m_sink->buf()), m_indent(style == JsonStyle::indented ? 2 : 0),
        m_serializer(nlohmann::detail::output_adapter<char>(m_buf), ' ') {}
  struct Level {
    char close;
    bool empty = true;
  };
  // Where a writer is: the containers it has open (taken before other threads write parts).
  struct Nesting {
    std::size_t indent;
    std::vector<Level> levels;
  };
  Nesting nesting() const { return {m_indent, m_levels}; }
  // A writer of a run of items of the container open at `at`, into `part` (made on another
  // core, say); the writer at `at` then writes them where they belong with splice(part).
  JsonWriter(std::string& part, const Nesting& at)
      : m_buf(part), m_indent(at.indent), m_serializer(nlohmann::detail::output_adapter<char>(m_buf), ' '),
        m_levels(at.levels) {
    m_levels.back().empty = false; // every item starts with its ','; splice drops the first if need be
  }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // An object member's name; its value follows.
  void key(std::string_view k) {
    item();
    string_raw(k);
    m_buf += m_indent != 0 ? ": " : ":";
    m_after_key = true;
  }

  void value(std::string_view s) {
    item();
    string_raw(s);
  }
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(bool b) {
    item();
    m_buf += b ? "true" : "false";
  }
  void null() {
    item();
    m_buf += "null";
  }
  template <typename Int>
    requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool> && !std::is_same_v<Int, char>)
  void value(Int n) {
    item();
    m_buf += std::to_string(n);
  }
  // A whole value built as a tree (a small one: plan --at's renewal member), laid out as
  // dump() lays it out at this depth.
  void value(const nlohmann::ordered_json& j) {
    item();
    nlohmann::detail::serializer<nlohmann::ordered_json> s(nlohmann::detail::output_adapter<char>(m_buf), ' ');
    s.dump(j, m_indent != 0, false, static_cast<unsigned>(m_indent), static_cast<unsigned>(m_levels.size() * m_indent));
  }
  template <typename Strings>
  void string_array(const Strings& list) {
    begin_array();
    for (const auto& s : list) {
      value(std::string_view(s));
    }
    end_array();
  }

  // Shorthands for a member.
  template <typename T>
  void member(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

  // Ends the document (nlohmann's dump has no final newline; certplan's files do).
  void newline() { m_buf += '\n'; }

  void flush() { m_sink->flush(); }

  // Writes a part made by a JsonWriter(part, *this) as the next items of the open container.
  void splice(std::string_view part) {
    if (part.empty()) {
      return;
    }
    if (m_levels.back().empty) {
      part.remove_prefix(1); // the first item of the container: no ',' before it
    }
    m_levels.back().empty = false;
    m_sink->write(part);
  }

private:

  // Before any value or key: the separator and line break its container needs.
  void item() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (m_levels.empty()) {
      return;
    }
    Level& l = m_levels.back();
    if (!l.empty) {
      m_buf += ',';
    }
    l.empty = false;
    if (m_indent != 0) {
      m_buf += '\n';
      m_buf.append(m_levels.size() * m_indent, ' ');
    }
    if (m_sink) {
      m_sink->maybe_flush();
    }
  }
  void open(char c) {
    item();
    m_buf += c;
    m_levels.push_back({c == '{' ? '}' : ']'});
  }
  void close(char c) {
    const bool empty = m_levels.back().empty;
    m_levels.pop_back();
    if (!empty && m_indent != 0) {
      m_buf += '\n';
      m_buf.append(m_levels.size() * m_indent, ' ');
    }
    m_buf += c;
  }
  void string_raw(std::string_view s) {
    // Printable ASCII without '"' or '\\' is what nlohmann's serializer copies unchanged; the
    // rest (quotes, controls, UTF-8, which it also checks) goes through it.
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; })) {
      // One growth of the buffer for the quoted string, not three (a hoster's plan writes
      // millions of them).
      const std::size_t at = m_buf.size();
      m_buf.resize(at + s.size() + 2);
      char* p = m_buf.data() + at;
      *p = '"';
      s.copy(p + 1, s.size());
      p[s.size() + 1] = '"';
      return;
    }
    // One reused string value: nlohmann's serializer escapes (and checks the UTF-8 of) it.
    m_scratch.get_ref<std::string&>().assign(s.data(), s.size());
    m_serializer.dump(m_scratch, false, false, 0);
  }

  std::unique_ptr<TextSink> m_sink; // flushes what is left when the writer goes; none for a part
  std::string& m_buf;
  std::size_t m_indent;
  nlohmann::detail::serializer<nlohmann::ordered_json> m_serializer;
  nlohmann::ordered_json m_scratch = std::string();
  std::vector<Level> m_levels;
  bool m_after_key = false;
};

} // namespace certplan
