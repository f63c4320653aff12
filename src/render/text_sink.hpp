// One buffered output for the streaming renderers (the text tables and the JSON writer).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace certplan {

// Output buffered in memory up to a bound, then written to a stream: renderers of reports that
// grow with the input (a hoster's plan) append here instead of to one whole string.
class TextSink {
public:
  explicit TextSink(std::ostream& out) : m_out(out) { m_buf.reserve(k_flush_at + 4096); }
  TextSink(const TextSink&) = delete;
  TextSink& operator=(const TextSink&) = delete;
  ~TextSink() { flush(); }

  std::string& buf() { return m_buf; }
  TextSink& operator+=(std::string_view s) {
    m_buf += s;
    maybe_flush();
    return *this;
  }
  TextSink& operator+=(char c) {
    m_buf += c;
    return *this;
  }
  void maybe_flush() {
    if (m_buf.size() >= k_flush_at) {
      flush();
    }
  }
  // Text made elsewhere (a chunk rendered on another core), written after what is buffered.
  void write(std::string_view text) {
    flush();
    m_out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  void flush() {
    if (!m_buf.empty()) {
      m_out.write(m_buf.data(), static_cast<std::streamsize>(m_buf.size()));
      m_buf.clear();
    }
  }

private:
  static constexpr std::size_t k_flush_at = 1 << 16;
  std::ostream& m_out;
  std::string m_buf;
};

} // namespace certplan
