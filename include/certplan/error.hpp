// certplan's one error type: a message, a kind (which decides the exit status) and,
// for input errors, the position in the file that caused it.
#pragma once

#include <certplan/limits.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace certplan {

// A position in an input file; line and column are 1-based.
struct SourcePos {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  // "file:line:col", or "file" when the line is unknown.
  std::string to_string() const;
};

enum class ErrorKind {
  usage,    // bad command line
  input,    // a file that could not be read or does not follow its contract
  io,       // writing failed
  internal, // a bug
};

class Error final : public std::runtime_error {
public:
  Error(ErrorKind kind, std::string message, std::optional<SourcePos> where = std::nullopt);
  // Input refused because it exceeds `limit`: the message names the limit's value; whoever
  // set the limit (the CLI: a --max-* flag) says how to raise it.
  Error(ErrorKind kind, std::string message, std::optional<SourcePos> where, Limit limit);

  ErrorKind kind() const noexcept { return m_kind; }
  const std::optional<SourcePos>& where() const noexcept { return m_where; }
  // The message without the position prefix.
  const std::string& message() const noexcept { return m_message; }
  const std::optional<Limit>& limit() const noexcept { return m_limit; }

private:
  ErrorKind m_kind;
  std::string m_message;
  std::optional<SourcePos> m_where;
  std::optional<Limit> m_limit;
};

// Shorthand for the most common throw: bad input at a position.
[[noreturn]] void throw_input(const SourcePos& where, std::string message);

} // namespace certplan
