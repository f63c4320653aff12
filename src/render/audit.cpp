// `certplan audit`: the endpoint x client matrix, each fact once with the cells it hits, the
// findings and what a renewal drops; JSON with cli.md's keys (certplan.audit/1).
#include <certplan/audit.hpp>
#include <certplan/render.hpp>

#include "render/json_writer.hpp"
#include "render/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace certplan {

namespace {

std::string mark(Severity s) { return s == Severity::info ? "✓" : s == Severity::warning ? "!" : "✗"; }

} // namespace

std::string render_audit(const Audit& a, const std::vector<AuditResult>& regressions, Format f) {
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& r : a.results) {
    ++counts[static_cast<int>(r.status)];
  }
  if (f == Format::json) {
    // Streamed (JsonWriter: dump(2)'s bytes) rather than built as a tree: an audit of 100,000
    // endpoints was a tree of a million nodes, allocated, printed and freed (issue 18).
    std::ostringstream out;
    {
      JsonWriter w(out, JsonStyle::indented);
      w.begin_object();
      w.member("schema", "certplan.audit/1");
      w.key("results");
      w.begin_array();
      for (const auto& r : a.results) {
        w.begin_object();
        w.member("endpoint", r.endpoint);
        w.member("service", r.service);
        w.member("client", r.client);
        w.member("status", r.status == Severity::info ? "ok" : r.status == Severity::warning ? "warning" : "fail");
        w.key("certificate");
        if (r.certificate.empty()) {
          w.null();
        } else {
          w.value(r.certificate);
        }
        w.key("reasons");
        w.string_array(r.reasons);
        w.end_object();
      }
      w.end_array();
      w.key("findings");
      w.begin_array();
      for (const auto& x : a.findings) {
        w.begin_object();
        w.member("rule", x.rule);
        w.member("severity", to_string(x.severity));
        w.member("message", x.message);
        w.end_object();
      }
      w.end_array();
      w.key("renewal_regressions");
      w.begin_array();
      for (const auto& r : regressions) {
        w.begin_object();
        w.member("endpoint", r.endpoint);
        w.member("service", r.service);
        w.member("client", r.client);
        w.key("reasons");
        w.string_array(r.reasons);
        w.end_object();
      }
      w.end_array();
      w.key("summary");
      w.begin_object();
      w.member("ok", counts[0]);
      w.member("warning", counts[1]);
      w.member("fail", counts[2]);
      w.end_object();
      w.end_object();
      w.newline();
    }
    return std::move(out).str();
  }
  const bool md = f == Format::markdown;
  // The matrix: endpoints (with service) down, clients across, each in the order first met;
  // a later result for the same cell replaces an earlier one. Views into the results, found by
  // hash: a map of string pairs per result was most of the text rendering (issue 18).
  struct Row {
    std::string_view endpoint, service;
    std::vector<std::optional<Severity>> by_client; // index into `clients`
  };
  struct PairHash {
    std::size_t operator()(const std::pair<std::string_view, std::string_view>& p) const {
      const std::hash<std::string_view> h;
      return h(p.first) * 31 + h(p.second);
    }
  };
  std::vector<std::string_view> clients;
  std::unordered_map<std::string_view, std::size_t> client_at;
  std::vector<Row> rows;
  std::unordered_map<std::pair<std::string_view, std::string_view>, std::size_t, PairHash> row_at;
  for (const auto& r : a.results) {
    const auto [c, new_client] = client_at.try_emplace(r.client, clients.size());
    if (new_client) {
      clients.push_back(r.client);
    }
    const auto [at, new_row] = row_at.try_emplace({r.endpoint, r.service}, rows.size());
    if (new_row) {
      rows.push_back({r.endpoint, r.service, {}});
    }
    auto& cells = rows[at->second].by_client;
    if (cells.size() <= c->second) {
      cells.resize(c->second + 1);
    }
    cells[c->second] = r.status;
  }
  std::vector<std::string> header{"endpoint", "service"};
  header.insert(header.end(), clients.begin(), clients.end());
  Table t(header);
  for (const auto& row : rows) {
    std::vector<std::string> cells{std::string(row.endpoint), std::string(row.service)};
    for (std::size_t c = 0; c < clients.size(); ++c) {
      cells.push_back(c < row.by_client.size() && row.by_client[c] ? mark(*row.by_client[c]) : "-");
    }
    t.row(std::move(cells));
  }
  std::string out = md ? "# Certificate audit\n\n" : "Certificate audit (✓ ok, ! warning, ✗ fail)\n";
  out += t.render(md) + "\n";
  // Each fact once, with the cells it hits (a SHA-1 signature is one line, not one per cell).
  std::vector<std::string> facts;
  std::map<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>> cells_of;
  for (const auto& r : a.results) {
    for (const auto& why : r.reasons) {
      auto [it, fresh] = cells_of.try_emplace(why);
      if (fresh) {
        facts.push_back(why);
      }
      const std::string where = r.endpoint + " " + r.service;
      auto& list = it->second;
      if (list.empty() || list.back().first != where) {
        list.push_back({where, {}});
      }
      list.back().second.push_back(r.client);
    }
  }
  for (const auto& why : facts) {
    std::vector<std::string> where;
    for (const auto& [endpoint, clients] : cells_of[why]) {
      where.push_back(fmt::format("{} ({})", endpoint, fmt::join(clients, ", ")));
    }
    out += fmt::format("{}{}\n{}    at {}\n", md ? "- " : "  ", why, md ? "  " : "", fmt::join(where, "; "));
  }
  for (const auto& x : a.findings) {
    out += fmt::format("{}{} {}: {}\n", md ? "- " : "  ", x.rule, to_string(x.severity), x.message);
  }
  for (const auto& r : regressions) {
    out += fmt::format("{}renewal drops {} {} for {}\n", md ? "- " : "  ", r.endpoint, r.service, r.client);
  }
  out += fmt::format("\n{} ok, {} warning, {} fail\n", counts[0], counts[1], counts[2]);
  return out;
}

} // namespace certplan
