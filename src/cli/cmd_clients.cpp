#include "cli/cli.hpp"

#include <certplan/clients.hpp>
#include <certplan/render.hpp>

#include <memory>

namespace certplan::cli {

void setup_clients(CLI::App& sub, Action& action) {
  auto opts = std::make_shared<CommonOptions>();
  add_common_options(sub, *opts, {"text", "json", "markdown"}, 0);
  sub.callback([opts, &action] {
    action = [opts](Io& io) {
      const Format format = output_format(*opts);
      emit(*opts, io, render_clients(ClientCatalog::builtin(), format));
      return exit_ok;
    };
  });
}

} // namespace certplan::cli
