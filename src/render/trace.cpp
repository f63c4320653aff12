// Rendering autodiscover traces: one block per client, one line per step.
#include "render/render_internal.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace certplan {

std::string render_traces(const std::vector<Trace>& traces, Format format) {
  if (format == Format::json) {
    nlohmann::ordered_json j{{"schema", "certplan.trace/1"}, {"traces", nlohmann::ordered_json::array()}};
    for (const auto& t : traces) {
      nlohmann::ordered_json steps = nlohmann::ordered_json::array();
      for (const auto& s : t.steps) {
        steps.push_back({{"method", s.method},
                         {"url", s.url},
                         {"dns", s.dns},
                         {"certificate", s.certificate},
                         {"outcome", s.outcome},
                         {"detail", s.detail}});
      }
      j["traces"].push_back({{"client", t.client},
                             {"email", t.email},
                             {"domain", t.domain},
                             {"steps", std::move(steps)},
                             {"result",
                              {{"landed", t.landed},
                               {"url", t.landed_url},
                               {"prompted", t.prompted},
                               {"warned", t.warned},
                               {"status", t.status()},
                               {"summary", t.summary}}}});
    }
    return j.dump(2) + "\n";
  }
  const bool md = format == Format::markdown;
  std::string out;
  for (const auto& t : traces) {
    out += md ? fmt::format("## {} with {} ({})\n\n", t.email, t.client, t.client_name)
              : fmt::format("Trace: {} with {} ({})\n", t.email, t.client, t.client_name);
    int n = 0;
    for (const auto& s : t.steps) {
      ++n;
      if (md) {
        out += fmt::format("{}. **{}** `{}` — {}: {}\n", n, s.outcome, s.url, s.method, s.detail);
        if (!s.dns.empty()) {
          out += fmt::format("   - DNS: {}\n", s.dns);
        }
        if (!s.certificate.empty()) {
          out += fmt::format("   - certificate: {}\n", s.certificate);
        }
        continue;
      }
      out += fmt::format("  {:>2}. [{}] {} {}\n", n, s.outcome, s.method, s.url);
      if (!s.dns.empty()) {
        out += fmt::format("        dns          {}\n", s.dns);
      }
      if (!s.certificate.empty()) {
        out += fmt::format("        certificate  {}\n", s.certificate);
      }
      out += fmt::format("        {}\n", s.detail);
    }
    out += md ? fmt::format("\n**Result ({}):** {}\n\n", t.status(), t.summary)
              : fmt::format("  Result ({}): {}\n\n", t.status(), t.summary);
  }
  return out;
}

} // namespace certplan
