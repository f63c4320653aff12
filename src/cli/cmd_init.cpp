#include "cli/cli.hpp"

#include <certplan/error.hpp>
#include <certplan/resources.hpp>
#include <certplan/topology.hpp>

#include <memory>

namespace certplan::cli {

void setup_init(CLI::App& sub, Action& action) {
  auto opts = std::make_shared<std::pair<CommonOptions, std::string>>();
  sub.add_option("--model", opts->second,
                 "consolidated | proxy-sites | multisite-single-namespace | regional | multi-forest | hosted")
      ->required()
      ->check(CLI::IsMember({"consolidated", "proxy-sites", "multisite-single-namespace", "regional", "multi-forest",
                             "hosted"}));
  add_common_options(sub, opts->first, {"text"}, 0);
  sub.callback([opts, &action] {
    action = [opts](Io& io) {
      const auto text = embedded_resource("templates/init/" + opts->second + ".toml");
      if (!text) {
        throw Error(ErrorKind::internal, "no starter template for model " + opts->second);
      }
      emit(opts->first, io, std::string(*text));
      return exit_ok;
    };
  });
}

} // namespace certplan::cli
