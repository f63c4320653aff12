#include "cli/cli.hpp"

#include <certplan/clients.hpp>
#include <certplan/render.hpp>

#include <memory>

namespace certplan::cli {

void setup_clients(CLI::App& sub, Action& action) {
  auto opts = std::make_shared<CommonOptions>();
  add_common_options(sub, *opts, "text, json, markdown");
  sub.callback([opts, &action] {
    action = [opts](Io& io) {
      const auto format = format_from_string(opts->format);
      if (!format) {
        throw Error(ErrorKind::usage, "--format must be text, json or markdown, not \"" + opts->format + "\"");
      }
      emit(*opts, io, render_clients(ClientCatalog::builtin(), *format));
      return exit_ok;
    };
  });
}

} // namespace certplan::cli
