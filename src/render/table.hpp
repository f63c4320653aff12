// Aligned text tables and Markdown pipe tables, for every text renderer.
#pragma once

#include <certplan/quote.hpp>

#include "render/text_sink.hpp"

#include <algorithm>
#include <array>
#include <ostream>
#include <string_view>
#include <string>
#include <vector>

namespace certplan {

// Columns are aligned by code points, not bytes, so "✓" counts as one.
inline std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A section heading: Markdown "## title" and a blank line, or the title underlined with "="
// (level 1) or "-".
inline std::string section_heading(std::string_view title, bool markdown, int level = 2) {
  std::string out;
  if (markdown) {
    out.append(static_cast<std::size_t>(level), '#').append(" ").append(title).append("\n\n");
    return out;
  }
  out.append(title).append("\n").append(title.size(), level == 1 ? '=' : '-').append("\n");
  return out;
}

// One Markdown pipe-table row, each cell through quote::markdown_cell (cells come from
// topologies and certificates).
template <typename Cells>
void markdown_row(std::string& out, const Cells& cells) {
  out += '|';
  for (const auto& c : cells) {
    out += ' ';
    out += quote::markdown_cell(c);
    out += " |";
  }
  out += '\n';
}

// The line under a Markdown table's header.
inline void markdown_rule(std::string& out, std::size_t columns) {
  out += '|';
  for (std::size_t i = 0; i < columns; ++i) {
    out += "---|";
  }
  out += '\n';
}

class Table {
public:
  explicit Table(std::vector<std::string> header) : m_header(std::move(header)) {}
  void row(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }

  std::string render(bool markdown) const {
    std::string out;
    if (markdown) {
      markdown_row(out, m_header);
      markdown_rule(out, m_header.size());
      for (const auto& r : m_rows) {
        markdown_row(out, r);
      }
      return out;
    }
    std::vector<std::size_t> width(m_header.size(), 0);
    const auto measure = [&](const std::vector<std::string>& r) {
      for (std::size_t i = 0; i < r.size(); ++i) {
        width[i] = std::max(width[i], display_width(r[i]));
      }
    };
    measure(m_header);
    std::for_each(m_rows.begin(), m_rows.end(), measure);
    // Plain appends: a hoster's plan has tens of thousands of rows.
    const auto line = [&](const std::vector<std::string>& r) {
      const std::size_t start = out.size();
      out += "  ";
      for (std::size_t i = 0; i < r.size(); ++i) {
        out += r[i];
        if (i + 1 < r.size()) {
          out.append(width[i] - display_width(r[i]) + 2, ' ');
        }
      }
      while (out.size() > start && out.back() == ' ') {
        out.pop_back();
      }
      out += '\n';
    };
    line(m_header);
    std::for_each(m_rows.begin(), m_rows.end(), line);
    return out;
  }

private:
  std::vector<std::string> m_header;
  std::vector<std::vector<std::string>> m_rows;
};

// The same bytes as Table::render, without holding the rows: `rows(emit)` calls
// emit(std::array<std::string_view, N>) once per row, in order. For aligned text it is called
// twice (column widths, then the lines), so it must give the same rows each time.
template <std::size_t N, typename Rows>
void stream_table(TextSink& out, const std::array<std::string_view, N>& header, bool markdown, const Rows& rows) {
  using Cells = std::array<std::string_view, N>;
  if (markdown) {
    const auto line = [&](const Cells& cells) {
      markdown_row(out.buf(), cells);
      out.maybe_flush();
    };
    line(header);
    markdown_rule(out.buf(), N);
    rows(line);
    return;
  }
  std::array<std::size_t, N> width{};
  const auto measure = [&](const Cells& r) {
    for (std::size_t i = 0; i < N; ++i) {
      width[i] = std::max(width[i], display_width(r[i]));
    }
  };
  measure(header);
  rows(measure);
  const auto line = [&](const Cells& r) {
    auto& b = out.buf();
    const std::size_t start = b.size();
    b += "  ";
    for (std::size_t i = 0; i < N; ++i) {
      b += r[i];
      if (i + 1 < N) {
        b.append(width[i] - display_width(r[i]) + 2, ' ');
      }
    }
    while (b.size() > start && b.back() == ' ') {
      b.pop_back();
    }
    b += '\n';
    out.maybe_flush();
  };
  line(header);
  rows(line);
}

} // namespace certplan
