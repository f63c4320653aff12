// expiry's file reader (src/scan): PEM bundles read in chunks with blocks cut at chunk
// boundaries, DER files cut into certificates, limits. The input is written to a file and
// scanned twice: with the real 256 KiB reads and with reads of 64 to 127 bytes. Both must
// report the same certificates and the same problems (line numbers included), in the same
// order: how a bundle is cut into reads must never change the report.
#include "fuzz.hpp"

#include <certplan/scan.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Collect final : certplan::ScanSink {
  std::vector<std::string> seen;
  void certificate(std::uint64_t order, const std::string& source, certplan::CertificateInfo&& cert) override {
    fuzz::expect(cert.sha256_fingerprint.size() == 95, "a certificate without a fingerprint");
    seen.push_back(std::to_string(order) + " " + source + " " + cert.sha256_fingerprint + " " + cert.subject_cn + " " +
                   cert.not_after);
  }
  void problem(std::uint64_t order, certplan::SourceProblem problem) override {
    seen.push_back(std::to_string(order) + " " + problem.source + " problem: " + problem.message);
  }
  void skipped(std::uint64_t order, const std::string& source) override {
    seen.push_back(std::to_string(order) + " " + source + " skipped");
  }
};

const std::string& scratch_file() {
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string p = std::string(tmp && *tmp ? tmp : "/tmp") + "/certplan-fuzz-scan-XXXXXX";
    const int fd = ::mkstemp(p.data());
    fuzz::expect(fd >= 0, "mkstemp");
    ::close(fd);
    std::atexit([] { ::unlink(scratch_file().c_str()); });
    return p;
  }();
  return path;
}

std::vector<std::string> scan(const std::string& path, std::size_t chunk) {
  certplan::ScanLimits limits;
  limits.max_block_bytes = 2048;  // small, so inputs of a few KiB reach the limits
  limits.max_der_file_bytes = 2048;
  limits.threads = 1;
  limits.chunk_bytes = chunk;
  Collect c;
  certplan::scan_paths({path}, c, limits, 0, {});
  return c.seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = scratch_file();
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  fuzz::expect(fd >= 0 && ::write(fd, data, size) == static_cast<ssize_t>(size), "writing the scratch file");
  ::close(fd);
  const auto whole = scan(path, std::size_t{256} << 10);
  fuzz::expect(!whole.empty(), "a file that gave neither a certificate nor a problem");
  const std::size_t chunk = 64 + (size * 7 + (size ? data[size - 1] : 0)) % 64; // the least read size and up
  const auto small = scan(path, chunk);
  if (small != whole) {
    std::fprintf(stderr, "reads of %zu bytes:\n", chunk);
    for (const auto& s : small) {
      std::fprintf(stderr, "  %s\n", s.c_str());
    }
    std::fprintf(stderr, "reads of 256 KiB:\n");
    for (const auto& s : whole) {
      std::fprintf(stderr, "  %s\n", s.c_str());
    }
    fuzz::fail("small reads gave another report than one big read");
  }
  return 0;
}
