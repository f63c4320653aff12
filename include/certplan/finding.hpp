// Findings are values: a rule id from domain.md, a severity and a sentence to act on.
#pragma once

#include <string>
#include <string_view>

namespace certplan {

enum class Severity { info, warning, failure };
std::string_view to_string(Severity s);

struct Finding {
  std::string rule; // "R14"
  Severity severity = Severity::info;
  std::string message;
  std::string client; // the client profile concerned, if any
};

} // namespace certplan
