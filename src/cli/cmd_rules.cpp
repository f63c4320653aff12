#include "cli/cli.hpp"

#include <certplan/error.hpp>
#include <certplan/render.hpp>
#include <certplan/rules.hpp>

#include <fmt/format.h>

#include <memory>

namespace certplan::cli {

void setup_rules(CLI::App& sub, Action& action) {
  auto opts = std::make_shared<CommonOptions>();
  add_common_options(sub, *opts, {"text", "json", "markdown"}, 0);
  sub.callback([opts, &action] {
    action = [opts](Io& io) {
      emit(*opts, io, render_rules(all_rules(), output_format(*opts)));
      return exit_ok;
    };
  });
}

void setup_explain(CLI::App& sub, Action& action) {
  auto opts = std::make_shared<CommonOptions>();
  auto id = std::make_shared<std::string>();
  sub.add_option("RULE", *id, "a rule id, as any verdict cites it (R16, key, renewal)")->required();
  add_common_options(sub, *opts, {"text", "json", "markdown"}, 0);
  sub.callback([opts, id, &action] {
    action = [opts, id](Io& io) {
      const Rule* r = find_rule(*id);
      if (r == nullptr) {
        std::vector<std::string_view> ids;
        for (const auto* x : all_rules()) {
          ids.push_back(x->id);
        }
        throw Error(ErrorKind::usage, fmt::format("no rule \"{}\"; rules: {}", *id, fmt::join(ids, ", ")));
      }
      emit(*opts, io, render_rule(*r, output_format(*opts)));
      return exit_ok;
    };
  });
}

} // namespace certplan::cli
