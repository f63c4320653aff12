// The rules registry as a list (certplan rules) and one rule in full (certplan explain).
#include <certplan/render.hpp>

#include "render/table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace certplan {
namespace {

std::string targets(const Rule& r) {
  std::vector<std::string_view> t;
  for (const auto x : r.applies_to) {
    t.push_back(to_string(x));
  }
  return fmt::format("{}", fmt::join(t, ", "));
}

nlohmann::ordered_json to_json(const Rule& r) {
  nlohmann::ordered_json eff = nlohmann::ordered_json::array();
  for (const auto& e : r.effective) {
    eff.push_back({{"date", e.date}, {"change", e.change}});
  }
  nlohmann::ordered_json applies = nlohmann::ordered_json::array();
  for (const auto x : r.applies_to) {
    applies.push_back(to_string(x));
  }
  nlohmann::ordered_json sources = nlohmann::ordered_json::array();
  for (const auto& s : r.sources) {
    sources.push_back(s);
  }
  return {{"id", r.id}, {"title", r.title}, {"text", r.text}, {"sources", std::move(sources)},
          {"effective", std::move(eff)}, {"applies_to", std::move(applies)}};
}

} // namespace

std::string render_rules(const std::vector<const Rule*>& rules, Format format) {
  if (format == Format::json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto* r : rules) {
      list.push_back(to_json(*r));
    }
    return nlohmann::ordered_json{{"schema", "certplan.rules/1"}, {"rules", std::move(list)}}.dump(2) + "\n";
  }
  const bool md = format == Format::markdown;
  Table t({"id", "title", "applies to"});
  for (const auto* r : rules) {
    t.row({std::string(r->id), std::string(r->title), targets(*r)});
  }
  return (md ? "# Rules\n\n" : "") + t.render(md) + (md ? "" : "\ncertplan explain ID prints one rule with its sources.\n");
}

std::string render_rule(const Rule& r, Format format) {
  if (format == Format::json) {
    nlohmann::ordered_json j = to_json(r);
    j.insert(j.begin(), {"schema", "certplan.rule/1"});
    return j.dump(2) + "\n";
  }
  const bool md = format == Format::markdown;
  std::string out = md ? fmt::format("# {} {}\n\n{}\n\n", r.id, r.title, r.text)
                       : fmt::format("{} {}\n\n  {}\n\n", r.id, r.title, r.text);
  out += fmt::format("{}Applies to: {}\n", md ? "" : "  ", targets(r));
  out += md ? "\n## Sources\n\n" : "\n  Sources:\n";
  for (const auto& s : r.sources) {
    out += fmt::format("{}{}\n", md ? "- " : "    - ", s);
  }
  if (!r.effective.empty()) {
    out += md ? "\n## Effective\n\n" : "\n  Effective:\n";
    for (const auto& e : r.effective) {
      out += fmt::format("{}{}  {}\n", md ? "- " : "    - ", e.date, e.change);
    }
  }
  return out;
}

} // namespace certplan
