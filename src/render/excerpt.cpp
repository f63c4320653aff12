// The offending line of an input error under its position, caret at the column, as compilers
// print it (issue 17): "    3 | [organization" / "      |              ^".
#include <certplan/render.hpp>

#include <fmt/format.h>

namespace certplan {

std::string render_source_excerpt(const SourcePos& where, std::string_view line) {
  if (where.line == 0 || where.column == 0 || line.find('\0') != std::string_view::npos) {
    return ""; // no position, or not text (a UTF-16 file read as bytes)
  }
  // What a terminal is shown is never a control sequence from the file; a tab keeps its one
  // column (toml++ and certplan's readers count it as one).
  std::string shown;
  std::size_t caret = 0; // display columns before the caret
  std::size_t codepoint = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool continuation = (c & 0xC0) == 0x80;
    if (!continuation) {
      ++codepoint;
      if (codepoint < where.column) {
        ++caret;
      }
    }
    shown.push_back(c == '\t' ? ' ' : c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
    if (shown.size() > 512) {
      shown += "...";
      break;
    }
  }
  const std::string number = std::to_string(where.line);
  return fmt::format(" {} | {}\n {} | {}^\n", number, shown, std::string(number.size(), ' '),
                     std::string(std::min<std::size_t>(caret, 515), ' '));
}

} // namespace certplan
