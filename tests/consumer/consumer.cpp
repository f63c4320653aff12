// A program outside certplan's tree, built against the installed libcertplan through
// pkg-config (tests/cli/test_consumer.py): the library is usable as a library (issue 17).
#include <certplan/clients.hpp>
#include <certplan/error.hpp>
#include <certplan/load.hpp>
#include <certplan/plan.hpp>
#include <certplan/version.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer TOPOLOGY\n";
    return 2;
  }
  try {
    const auto& catalog = certplan::ClientCatalog::builtin();
    const auto topology = certplan::load_topology(argv[1], catalog);
    const auto plan = certplan::make_plan(topology, catalog);
    std::cout << "certplan " << certplan::k_version << "\n";
    for (const auto& c : plan.certificates) {
      std::cout << c.id << " CN=" << c.cn;
      for (const auto& san : c.sans) {
        std::cout << " " << san;
      }
      std::cout << "\n";
    }
  } catch (const certplan::Error& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
