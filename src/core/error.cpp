#include <certplan/error.hpp>

#include <fmt/format.h>

namespace certplan {

std::string SourcePos::to_string() const {
  if (line == 0) {
    return file;
  }
  return fmt::format("{}:{}:{}", file, line, column);
}

Error::Error(ErrorKind kind, std::string message, std::optional<SourcePos> where)
    : std::runtime_error(where ? where->to_string() + ": " + message : message), m_kind(kind),
      m_message(std::move(message)), m_where(std::move(where)) {}

Error::Error(ErrorKind kind, std::string message, std::optional<SourcePos> where, Limit limit)
    : Error(kind, std::move(message), std::move(where)) {
  m_limit = limit;
}

void throw_input(const SourcePos& where, std::string message) {
  throw Error(ErrorKind::input, std::move(message), where);
}

} // namespace certplan
