// `certplan match`: one line per host (text) or certplan.match/1 (json).
#include <certplan/render.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace certplan {

std::string render_match(const MatchReport& report, Format format) {
  const auto why = [](const HostMatch& m) { return m.verdict.rule + ": " + m.verdict.reason; };
  if (format == Format::json) {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const auto& m : report.results) {
      results.push_back({{"host", m.host}, {"covered", m.verdict.covered}, {"rule", m.verdict.rule}, {"reason", why(m)}});
    }
    const nlohmann::ordered_json j{{"schema", "certplan.match/1"}, {"certificate", report.certificate},
                                   {"profile", report.profile}, {"results", std::move(results)}};
    return j.dump(2) + "\n";
  }
  std::string out = fmt::format("{} ({}), profile {}\n", report.certificate, report.subject_cn, report.profile);
  for (const auto& m : report.results) {
    out += fmt::format("{}  {}  {}\n", m.verdict.covered ? "covered    " : "NOT covered", m.host, why(m));
  }
  return out;
}

} // namespace certplan
