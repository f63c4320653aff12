#include "cli/cli.hpp"

namespace certplan::cli {

void setup_tenant(CLI::App& sub, Action& action) {
  (void)sub;
  (void)action;
}

} // namespace certplan::cli
