// Aligned text tables and Markdown pipe tables, for every text renderer.
#pragma once

#include <certplan/quote.hpp>

#include "render/chunks.hpp"
#include "render/text_sink.hpp"

#include <algorithm>
#include <array>
#include <mutex>
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

// One line of an aligned table: two blanks, then each cell padded to its column's width plus
// two blanks; no blanks at the end. Plain appends: a hoster's plan has 100,000s of rows.
template <typename Cells, typename Widths>
void aligned_row(std::string& b, const Cells& r, const Widths& width) {
  const std::size_t start = b.size();
  b += "  ";
  for (std::size_t i = 0; i < r.size(); ++i) {
    b += r[i];
    if (i + 1 < r.size()) {
      b.append(width[i] - display_width(r[i]) + 2, ' ');
    }
  }
  while (b.size() > start && b.back() == ' ') {
    b.pop_back();
  }
  b += '\n';
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
    const auto line = [&](const std::vector<std::string>& r) { aligned_row(out, r, width); };
    line(m_header);
    std::for_each(m_rows.begin(), m_rows.end(), line);
    return out;
  }

private:
  std::vector<std::string> m_header;
  std::vector<std::vector<std::string>> m_rows;
};

// The same bytes as Table::render, without holding the rows: head(emit), then chunk(from, to,
// emit) for the chunks of [0, count) (a viewed plan's tenants, made on every core and written
// in order), then tail(emit); each calls emit(std::array<std::string_view, N>) once per row,
// in order. For aligned text they are called twice (column widths, then the lines), so they
// must give the same rows each time.
template <std::size_t N, typename Head, typename Chunk, typename Tail>
void stream_table_parts(TextSink& out, const std::array<std::string_view, N>& header, bool markdown, const Head& head,
                        std::size_t count, const Chunk& chunk, const Tail& tail) {
  using Cells = std::array<std::string_view, N>;
  using Widths = std::array<std::size_t, N>;
  Widths width{};
  const auto widen = [](Widths& w, const Cells& r) {
    for (std::size_t i = 0; i < N; ++i) {
      w[i] = std::max(w[i], display_width(r[i]));
    }
  };
  if (!markdown) {
    const auto measure = [&](const Cells& r) { widen(width, r); };
    measure(header);
    head(measure);
    std::mutex m;
    in_parallel(count, [&](std::size_t from, std::size_t to) {
      Widths local{};
      chunk(from, to, [&](const Cells& r) { widen(local, r); });
      std::lock_guard lock(m);
      for (std::size_t i = 0; i < N; ++i) {
        width[i] = std::max(width[i], local[i]);
      }
    });
    tail(measure);
  }
  const auto row = [&](std::string& b, const Cells& r) {
    if (markdown) {
      markdown_row(b, r);
    } else {
      aligned_row(b, r, width);
    }
  };
  const auto line = [&](const Cells& r) {
    row(out.buf(), r);
    out.maybe_flush();
  };
  line(header);
  if (markdown) {
    markdown_rule(out.buf(), N);
  }
  head(line);
  render_in_order(
      count, [&](std::size_t from, std::size_t to, std::string& text) { chunk(from, to, [&](const Cells& r) { row(text, r); }); },
      [&](std::string_view text) { out.write(text); });
  tail(line);
}

// stream_table_parts for rows made on this thread alone: rows(emit).
template <std::size_t N, typename Rows>
void stream_table(TextSink& out, const std::array<std::string_view, N>& header, bool markdown, const Rows& rows) {
  const auto none = [](const auto&) {};
  stream_table_parts<N>(out, header, markdown, rows, 0, [](std::size_t, std::size_t, const auto&) {}, none);
}

} // namespace certplan
