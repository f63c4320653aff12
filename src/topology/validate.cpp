// Model validation: what only the loaded model as a whole can break (the model's site and
// forest rules, names used in two roles), and the control characters no string may hold.
#include <certplan/quote.hpp>

#include "topology/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace certplan::detail {

// Issue 13: no string of a topology (key or value) may hold a control character (C0, DEL,
// C1, U+2028/U+2029). Every output quotes its values, but a line break or an escape sequence
// in a subject or tenant name has no honest place in a script, a config, a terminal or a
// certificate, so it is refused once, here, with its position. toml++ has checked UTF-8.
void Loader::refuse_controls(const toml::node& n, std::string_view key) const {
  // `what` names the string, asked only when there is something to say.
  const auto check = [&](std::string_view s, const toml::source_region& where, const auto& what) {
    // Printable ASCII holds no control character: the common case, without decoding.
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; })) {
      return;
    }
    if (const auto c = quote::find_control(s)) {
      throw_input(pos(where), fmt::format("{} holds the control character {} (at byte {}); topology strings may not "
                                          "hold control characters (C0, DEL, C1, U+2028, U+2029)",
                                          what(), quote::code_point_name(c->code_point), c->offset + 1));
    }
  };
  if (const auto* t = n.as_table()) {
    for (const auto& [k, v] : *t) {
      check(k.str(), k.source(), [&] { return "the key " + quote::toml_basic(k.str()); });
      refuse_controls(v, k.str());
    }
  } else if (const auto* a = n.as_array()) {
    for (const auto& e : *a) {
      refuse_controls(e, key);
    }
  } else if (const auto* s = n.as_string()) {
    check(s->get(), s->source(), [&] { return fmt::format("'{}'", key); });
  }
}


void Loader::check_model(const Topology& topo) const {
  const Model model = topo.organization.model;
  std::vector<const Site*> facing;
  for (const auto& s : topo.sites) {
    if (s.internet_facing) {
      facing.push_back(&s);
    }
  }
  if (facing.empty()) {
    throw_input(topo.sites.front().pos, "no site is internet-facing: at least one site needs internet_facing = true and a namespace");
  }
  if (model != Model::multi_forest && topo.forests.size() > 1) {
    throw_input(topo.forests[1].pos, fmt::format("model \"{}\" has one forest; for several forests use model = \"multi-forest\"",
                                                 to_string(model)));
  }
  switch (model) {
  case Model::consolidated:
  case Model::hosted:
    if (topo.sites.size() > 1 && model == Model::consolidated) {
      throw_input(topo.sites[1].pos, "model \"consolidated\" has exactly one site; for more sites use \"proxy-sites\" or \"regional\"");
    }
    if (facing.size() > 1) {
      throw_input(facing[1]->pos, fmt::format("model \"{}\" has one internet-facing site", to_string(model)));
    }
    break;
  case Model::proxy_sites:
    if (facing.size() > 1) {
      throw_input(facing[1]->pos, "model \"proxy-sites\" has exactly one internet-facing site; the others are proxied "
                                  "(for several internet-facing sites use \"regional\")");
    }
    break;
  case Model::multisite_single_namespace:
    for (const auto* s : facing) {
      if (*s->ns != *facing.front()->ns) {
        throw_input(s->ns_pos, fmt::format("model \"multisite-single-namespace\": every internet-facing site shares one "
                                           "namespace, but site '{}' has \"{}\" and site '{}' has \"{}\"",
                                           s->name, s->ns->display, facing.front()->name, facing.front()->ns->display));
      }
    }
    break;
  case Model::regional:
  case Model::multi_forest:
    if (model == Model::multi_forest && topo.forests.size() < 2) {
      throw_input(topo.organization.model_pos, "model \"multi-forest\" needs at least two [[forest]] tables");
    }
    for (std::size_t i = 0; i < facing.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (*facing[i]->ns == *facing[j]->ns) {
          throw_input(facing[i]->ns_pos,
                      fmt::format("model \"{}\": each internet-facing site has its own namespace, but \"{}\" is also "
                                  "site '{}''s (for a shared namespace use \"multisite-single-namespace\")",
                                  to_string(model), facing[i]->ns->display, facing[j]->name));
        }
      }
    }
    break;
  }
  if (model == Model::multi_forest) {
    for (const auto& f : topo.forests) {
      if (std::none_of(facing.begin(), facing.end(), [&](const Site* s) { return s->forest == f.name; })) {
        throw_input(f.pos, fmt::format("forest '{}' has no internet-facing site", f.name));
      }
    }
  }
}

// Names clients connect to must not collide across roles (a legacy namespace that is
// another site's namespace, a POP host that is a tenant domain, ...).
void Loader::check_unique_names(const Topology& topo) const {
  std::map<std::string, std::string> used;
  const auto claim = [&](const HostName& h, const std::string& what, const SourcePos& where, bool shared_ok) {
    const auto [it, fresh] = used.emplace(h.ascii, what);
    if (!fresh && !(shared_ok && it->second == what)) {
      throw_input(where, fmt::format("\"{}\" is used as {} and as {}", h.display, it->second, what));
    }
  };
  for (const auto& s : topo.sites) {
    if (s.ns) {
      // multisite-single-namespace shares it legitimately (checked above).
      claim(*s.ns, "a site namespace", s.ns_pos, true);
    }
  }
  for (const auto& s : topo.sites) {
    if (s.legacy_ns) {
      claim(*s.legacy_ns, "the legacy namespace of site '" + s.name + "'", s.pos, false);
    }
  }
}

} // namespace certplan::detail
