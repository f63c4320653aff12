// Aligned text tables and Markdown pipe tables, for every text renderer.
#pragma once

#include <certplan/quote.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace certplan {

// Columns are aligned by code points, not bytes, so "✓" counts as one.
inline std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

class Table {
public:
  explicit Table(std::vector<std::string> header) : m_header(std::move(header)) {}
  void row(std::vector<std::string> cells) { m_rows.push_back(std::move(cells)); }

  std::string render(bool markdown) const {
    std::string out;
    if (markdown) {
      const auto line = [&](const std::vector<std::string>& cells) {
        out += "|";
        for (const auto& c : cells) {
          out += " " + quote::markdown_cell(c) + " |";
        }
        out += "\n";
      };
      line(m_header);
      out += "|";
      for (std::size_t i = 0; i < m_header.size(); ++i) {
        out += "---|";
      }
      out += "\n";
      for (const auto& r : m_rows) {
        line(r);
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

} // namespace certplan
