#include "cli/cli.hpp"
namespace certplan::cli {
void setup_trace(CLI::App& sub, Action& action) { (void)sub; (void)action; }
}
