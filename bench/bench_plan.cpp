// Stage timings of one plan (make_plan_viewing, as `certplan plan` makes it): read+parse, make_plan, render (text and JSON). A benchmark,
// run on demand (bench/plan_scale.py drives the whole binary; this splits the stages).
#include <certplan/clients.hpp>
#include <certplan/io.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/render.hpp>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace {

// Resident memory now (VmRSS) and at its peak so far (VmHWM), in MiB, from /proc/self/status.
std::string memory() {
  std::ifstream status("/proc/self/status");
  std::string line, rss = "?", hwm = "?";
  while (std::getline(status, line)) {
    std::istringstream in(line);
    std::string key;
    long kb = 0;
    in >> key >> kb;
    if (key == "VmRSS:") {
      rss = std::to_string(kb / 1024);
    } else if (key == "VmHWM:") {
      hwm = std::to_string(kb / 1024);
    }
  }
  return rss + " MiB (peak " + hwm + ")";
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: bench-plan TOPOLOGY\n");
    return 3;
  }
  using clock = std::chrono::steady_clock;
  const auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  const auto& catalog = certplan::ClientCatalog::builtin();
  const auto t0 = clock::now();
  const auto topo = certplan::load_topology(argv[1], catalog);
  const auto t1 = clock::now();
  const std::string after_load = memory();
  const auto plan = certplan::make_plan_viewing(topo, catalog);
  const auto t2 = clock::now();
  const std::string after_plan = memory();
  const auto text = certplan::render_plan(plan, certplan::Format::text);
  const auto t3 = clock::now();
  const auto json = certplan::render_plan(plan, certplan::Format::json);
  const auto t4 = clock::now();
  fmt::print("load {:.1f} ms, plan {:.1f} ms, text {:.1f} ms ({} bytes), json {:.1f} ms ({} bytes); "
             "{} namespaces, {} certificates, {} DNS records\n",
             ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), text.size(), ms(t4 - t3), json.size(), plan.namespace_count(),
             plan.certificates.size(), plan.dns_record_count());
  fmt::print("memory after load {}, after plan {}\n", after_load, after_plan);
  return 0;
}
