// Tenant onboarding (issue 3; seeds 000 and 001): the topology file is edited as text so a
// hoster's comments and layout survive, and every edit is re-parsed before it is returned;
// the runbook for it comes from tenant/runbook.cpp.
#include "tenant/runbook.hpp"

#include <certplan/error.hpp>
#include <certplan/load.hpp>
#include <certplan/quote.hpp>
#include <certplan/tenant.hpp>

#include "util/text.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <future>
#include <optional>
#include <set>

namespace certplan {
namespace {

// Files written on Windows keep their line ends.
std::string_view eol_of(std::string_view text) {
  const auto nl = text.find('\n');
  return nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
}

toml::table parse_toml(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw_input({path, b.line == 0 ? 1 : b.line, b.line == 0 ? 1 : b.column},
                fmt::format("TOML syntax: {}", e.description()));
  }
}

SourcePos node_pos(const std::string& path, const toml::node* n, const SourcePos& fallback) {
  if (n == nullptr || n->source().begin.line == 0) {
    return fallback;
  }
  return {path, n->source().begin.line, n->source().begin.column};
}

std::string names_list(const std::vector<Tenant>& tenants) {
  // A hoster has thousands of tenants; a few are enough to spot a typo.
  constexpr std::size_t k_shown = 10;
  std::string out;
  for (std::size_t i = 0; i < tenants.size() && i < k_shown; ++i) {
    out += fmt::format("{}'{}'", i == 0 ? "" : ", ", tenants[i].name);
  }
  if (tenants.size() > k_shown) {
    out += fmt::format(" and {} more", tenants.size() - k_shown);
  }
  return out.empty() ? std::string("none") : out;
}

void require_hosted(const Topology& topo, std::string_view verb) {
  if (topo.organization.model != Model::hosted || !topo.hosting) {
    throw Error(ErrorKind::input,
                fmt::format("tenant {}: {} has model \"{}\"; tenants exist only with model = \"hosted\"; nothing written",
                            verb, topo.path, to_string(topo.organization.model)),
                topo.organization.model_pos);
  }
}

Topology reparse(const std::string& text, const std::string& path, const ClientCatalog& catalog,
                  const InputLimits& limits, std::string_view verb) {
  try {
    return parse_topology(text, path, catalog, limits);
  } catch (const Error& e) {
    throw Error(ErrorKind::input, fmt::format("tenant {}: the edited topology would not load ({}); nothing written",
                                              verb, e.what()));
  }
}

// What add_tenant appends to the topology text for the requested [[tenant]] table, exactly as
// it writes it; "" when the request would be refused for a name or domain that does not normalise.
// The runbook compares two plans: both with their tenants viewed alike (make_plan_viewing), or
// both whole; else both are made whole.
bool alike(const Plan& a, const Plan& b) {
  const auto* va = a.tenant_records.get();
  const auto* vb = b.tenant_records.get();
  return (va == nullptr && vb == nullptr) || (va != nullptr && vb != nullptr && va->alike(*vb));
}

void make_alike(const Topology& a, Plan& plan_a, const Topology& b, Plan& plan_b, const ClientCatalog& catalog) {
  if (alike(plan_a, plan_b)) {
    return;
  }
  plan_a = make_plan(a, catalog);
  plan_b = make_plan(b, catalog);
}

std::string appended_text(std::string_view text, const TenantRequest& request) {
  std::vector<std::string> written; // as they go into the file
  for (const auto& d : request.domains) {
    std::string why;
    const auto h = normalize_host(d, why);
    if (!h) {
      return "";
    }
    // Keep a Unicode name as the user wrote it (the loader maps it again); ASCII in canonical form.
    written.push_back(util::is_ascii(d) ? h->ascii : std::string(d.ends_with('.') ? d.substr(0, d.size() - 1) : d));
  }
  std::string webmail;
  if (!request.webmail.empty()) {
    std::string why;
    const auto h = normalize_host(request.webmail, why);
    if (!h) {
      return "";
    }
    webmail = util::is_ascii(request.webmail) ? h->ascii : request.webmail;
  }
  const std::string_view eol = eol_of(text);
  std::string out; // what follows the text: the file's own last line break if it lacks one, then the table
  if (!text.empty() && !text.ends_with('\n')) {
    out += eol;
  }
  std::string quoted;
  for (const auto& d : written) {
    quoted += quoted.empty() ? "" : ", ";
    quoted += quote::toml_basic(d);
  }
  out += fmt::format("{0}[[tenant]]{0}name = {1}{0}domains = [{2}]{0}", eol, quote::toml_basic(request.name), quoted);
  if (!webmail.empty()) {
    out += fmt::format("webmail = {}{}", quote::toml_basic(webmail), eol);
  }
  return out;
}

} // namespace

TenantEdit add_tenant(std::string_view text, const std::string& path, const TenantRequest& request,
                      const ClientCatalog& catalog, const InputLimits& limits) {
  // The file is parsed once (issue 18): the edited text is the file and the one table
  // appended, which is read alone (parse_appended_tenant) unless the whole edited text must
  // be parsed again to be sure of it. Whatever goes wrong is said in the order it always was:
  // the file, the request, then the edit.
  const std::string appended = appended_text(text, request);
  TextLayout layout; // the file's, scanned once: the edit is read with it
  // The file's topology, which becomes the edited one: the tenant read alone is pushed onto it
  // (no copy of 100,000 tenants), after the plan without it is made. That plan views the tenants
  // where they are, so none may move: room for one more is made before it (the loader leaves it).
  Topology topo = parse_topology(text, path, catalog, limits, layout);
  const Topology& before = topo;
  require_hosted(before, "add");
  if (topo.tenants.capacity() == topo.tenants.size()) {
    topo.tenants.reserve(topo.tenants.size() + 1);
  }
  // The plan without the tenant is needed for the runbook (and its namespaces for --webmail):
  // made on another core while the request is checked.
  auto plan_before = std::async(std::launch::async, [&] { return make_plan_viewing(before, catalog); }).share();
  // The edit read alone on a third thread: it throws nothing (nullopt where the whole parse
  // must decide, after the request's checks), so it can start before them.
  std::future<std::optional<Tenant>> edited_job; // after `appended`: destroyed (so waited for) before it
  if (!appended.empty()) {
    edited_job = std::async(std::launch::async,
                            [&] { return parse_appended_tenant(before, text, appended, catalog, limits, layout); });
  }
  const Hosting& hosting = *before.hosting;

  const auto& name = request.name;
  if (name.find_first_not_of(" \t") == std::string::npos) {
    throw Error(ErrorKind::usage, "tenant add: --name must not be empty");
  }
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    throw Error(ErrorKind::usage, "tenant add: --name must not contain control characters");
  }
  // Organization names are directory names: Active Directory compares them without case.
  for (const auto& t : before.tenants) {
    if (util::lower_ascii(t.name) == util::lower_ascii(name)) {
      throw Error(ErrorKind::input,
                  t.name == name ? fmt::format("tenant add: tenant '{}' already exists (at {})", name, t.pos.to_string())
                                 : fmt::format("tenant add: tenant '{}' already exists as '{}' (at {})", name, t.name,
                                               t.pos.to_string()));
    }
  }

  if (request.domains.empty()) {
    throw Error(ErrorKind::usage, "tenant add: give at least one --domain");
  }
  // Who owns each domain already; where the file says so is looked up only for a clash (it
  // takes a parse of the whole file).
  struct Owner {
    enum class Kind { forest, provider, tenant } kind;
    std::size_t i = 0, j = 0; // forest or tenant, and the domain's index in its list
  };
  // Looked up by a scan, for the few domains asked: a map of every tenant's domains cost more
  // than the scans (issue 18). The first owner in this order, as the loader allows only one.
  const auto owner_of = [&](const std::string& domain) -> std::optional<Owner> {
    for (std::size_t i = 0; i < before.forests.size(); ++i) {
      const auto& f = before.forests[i];
      for (std::size_t j = 0; j < f.smtp_domains.size(); ++j) {
        if (f.smtp_domains[j].ascii == domain) {
          return Owner{Owner::Kind::forest, i, j};
        }
      }
    }
    if (hosting.provider_domain.ascii == domain) {
      return Owner{Owner::Kind::provider};
    }
    for (std::size_t i = 0; i < before.tenants.size(); ++i) {
      const auto& t = before.tenants[i];
      for (std::size_t j = 0; j < t.domains.size(); ++j) {
        if (t.domains[j].ascii == domain) {
          return Owner{Owner::Kind::tenant, i, j};
        }
      }
    }
    return std::nullopt;
  };
  const auto owner_words = [&](const Owner& o) -> std::pair<std::string, SourcePos> {
    const toml::table root = parse_toml(text, path);
    switch (o.kind) {
    case Owner::Kind::forest: {
      const auto& f = before.forests[o.i];
      const auto* list = root["forest"][o.i]["smtp_domains"].as_array();
      return {"forest '" + f.name + "'", node_pos(path, list ? list->get(o.j) : nullptr, f.pos)};
    }
    case Owner::Kind::provider:
      return {"the provider (provider_domain)", node_pos(path, root["hosting"]["provider_domain"].node(), hosting.pos)};
    case Owner::Kind::tenant: {
      const auto& t = before.tenants[o.i];
      const auto* list = root["tenant"][o.i]["domains"].as_array();
      return {"tenant '" + t.name + "'", node_pos(path, list ? list->get(o.j) : nullptr, t.pos)};
    }
    }
    return {};
  };
  std::set<std::string> asked;
  for (const auto& d : request.domains) {
    std::string why;
    const auto h = normalize_host(d, why);
    if (!h) {
      throw Error(ErrorKind::usage, fmt::format("tenant add: invalid domain \"{}\": {}", d, why));
    }
    if (!asked.insert(h->ascii).second) {
      throw Error(ErrorKind::usage, fmt::format("tenant add: domain \"{}\" is given twice", d));
    }
    if (const auto owner = owner_of(h->ascii)) {
      const auto [who, where] = owner_words(*owner);
      throw Error(ErrorKind::input, fmt::format("tenant add: domain \"{}\" already belongs to {} (at {})", h->ascii,
                                                who, where.to_string()));
    }
  }

  if (!request.webmail.empty()) {
    std::string why;
    const auto h = normalize_host(request.webmail, why);
    if (!h) {
      throw Error(ErrorKind::usage, fmt::format("tenant add: invalid --webmail host \"{}\": {}", request.webmail, why));
    }
    if (!hosting.webmail_redirect_host) {
      throw Error(ErrorKind::input,
                  fmt::format("tenant add: --webmail needs [hosting] webmail_redirect_host in {} (the web site that "
                              "redirects it); nothing written",
                              path),
                  hosting.pos);
    }
    std::optional<std::string> planned; // what already plans the name
    for_each_namespace(plan_before.get(), [&](const Namespace& ns) {
      if (!planned && ns.fqdn == *h) {
        planned = fmt::format("{}{}", to_string(ns.role), ns.tenant.empty() ? std::string() : " of tenant '" + ns.tenant + "'");
      }
    });
    if (planned) {
      throw Error(ErrorKind::input,
                  fmt::format("tenant add: webmail host \"{}\" is already planned ({})", h->ascii, *planned));
    }
  }

  if (appended.empty()) { // appended_text fails only where the checks above throw
    throw Error(ErrorKind::internal, "tenant add: the request passed its checks but could not be written");
  }
  // The edited file, made here while the other threads read and plan the edit.
  std::string out;
  out.reserve(text.size() + appended.size());
  out.append(text).append(appended);
  std::optional<Tenant> added = edited_job.get();
  Plan before_plan = plan_before.get(); // from here on nothing reads `before` as it was
  std::optional<Topology> whole;        // the edited text parsed whole, where the edit cannot be read alone
  if (added) {
    const Tenant* const viewed = topo.tenants.data();
    topo.tenants.push_back(std::move(*added)); // moves no tenant: room was made above
    if (topo.tenants.data() != viewed) {
      throw Error(ErrorKind::internal, "tenant add: the tenants moved under the plan that views them");
    }
  } else {
    whole = reparse(out, path, catalog, limits, "add");
  }
  const Topology& after = whole ? *whole : topo;
  Plan after_plan = make_plan_viewing(after, catalog);
  if (!alike(after_plan, before_plan)) {
    // Both made whole. Without the tenant: the file's topology, or a copy of it less the tenant
    // once pushed onto it.
    std::optional<Topology> copy;
    if (!whole) {
      copy = topo;
      copy->tenants.pop_back();
    }
    before_plan = make_plan(whole ? topo : *copy, catalog);
    after_plan = make_plan(after, catalog);
  }
  const auto& tenants = after.tenants;
  const auto it = std::find_if(tenants.begin(), tenants.end(), [&](const Tenant& t) { return t.name == name; });
  if (it == tenants.end()) {
    throw Error(ErrorKind::internal, fmt::format("tenant add: the appended tenant '{}' did not load back", name));
  }
  TenantEdit edit;
  edit.runbook = make_runbook(TenantAction::add, after, *it, after_plan, before_plan);
  edit.text = std::move(out);
  return edit;
}

TenantEdit remove_tenant(std::string_view text, const std::string& path, std::string_view name,
                         const ClientCatalog& catalog, const InputLimits& limits) {
  TextLayout layout;
  const Topology before = parse_topology(text, path, catalog, limits, layout);
  require_hosted(before, "remove");
  const auto it = std::find_if(before.tenants.begin(), before.tenants.end(), [&](const Tenant& t) { return t.name == name; });
  if (it == before.tenants.end()) {
    throw Error(ErrorKind::input, fmt::format("tenant remove: no tenant '{}' in {} (its tenants: {}); nothing written",
                                              name, path, names_list(before.tenants)));
  }
  // The plan with the tenant, for the runbook, on another core while the edit is read.
  auto plan_before = std::async(std::launch::async, [&] { return make_plan_viewing(before, catalog); });
  // The file is parsed once (issue 18): the table cut out is read alone (cut_tenant) unless the
  // whole edited text must be parsed again to be sure of it.
  std::optional<TenantCut> cut =
      cut_tenant(before, text, static_cast<std::size_t>(it - before.tenants.begin()), catalog, limits, layout);
  const auto [begin, end] = cut ? std::pair{cut->begin, cut->end} : tenant_block(text, path, name);
  std::string out;
  out.reserve(text.size() - (end - begin));
  out.append(text.substr(0, begin));
  out.append(text.substr(end));
  const Topology after = cut ? std::move(cut->topology) : reparse(out, path, catalog, limits, "remove");
  Plan plan_after = make_plan_viewing(after, catalog);
  Plan plan_with = plan_before.get();
  make_alike(before, plan_with, after, plan_after, catalog);
  TenantEdit edit;
  edit.runbook = make_runbook(TenantAction::remove, before, *it, plan_with, plan_after);
  edit.text = std::move(out);
  return edit;
}

} // namespace certplan
