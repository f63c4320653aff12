// `certplan collect`: the PowerShell collector an admin runs in the Exchange Management Shell
// to make the exports `--server-export` reads (issue 16), from templates/exchange/collect.ps1.
#include "cli/cli.hpp"

#include <certplan/quote.hpp>

#include <memory>

namespace certplan::cli {

void setup_collect(CLI::App& sub, Action& action) {
  struct Options {
    CommonOptions common;
    std::string dir = "C:\\certplan-exports";
  };
  auto o = std::make_shared<Options>();
  sub.add_option("--dir", o->dir, "folder on the server the exports go to (a subfolder per server)")->capture_default_str();
  add_common_options(sub, o->common, {"ps1"}, 0);
  o->common.format = "ps1";
  sub.callback([o, &action] {
    action = [o](Io& io) {
      // The folder is data in the script, never code: {{ps:dir}} quotes it (quote.hpp).
      emit(o->common, io, quote::expand_template("templates/exchange/collect.ps1", {{"dir", o->dir}}));
      return exit_ok;
    };
  });
}

} // namespace certplan::cli
