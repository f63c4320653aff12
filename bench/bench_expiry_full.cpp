// Peer for bench/expiry_bench.py: Botan's full X509_Certificate parse of every certificate
// under the given files and folders (read_certificates, what audit uses), in one process on
// one core. Prints the number of certificates read.
#include <certplan/error.hpp>
#include <certplan/io.hpp>
#include <certplan/x509.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  std::size_t certs = 0;
  std::size_t failed = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::string> files;
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i])) {
        if (e.is_regular_file()) {
          files.push_back(e.path().string());
        }
      }
      std::sort(files.begin(), files.end());
    } else {
      files.emplace_back(argv[i]);
    }
    for (const auto& f : files) {
      try {
        certs += certplan::read_certificates(certplan::read_file(f), f).size();
      } catch (const certplan::Error&) {
        ++failed;
      }
    }
  }
  std::cout << certs << " certificates, " << failed << " files unread\n";
  return 0;
}
