// Reading certificate files and folders for `certplan expiry`. Folders are walked in sorted
// order; files are read in chunks, so a 100,000-certificate bundle never sits in memory
// whole; certificate blocks are decoded on every core. This module does the I/O; judging
// the certificates is the report's job (expiry.hpp).
#pragma once

#include <certplan/expiry.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace certplan {

struct ScanLimits {
  std::size_t max_block_bytes = std::size_t{1} << 20; // one PEM block (a certificate with 10,000 SANs is ~300 KB)
  std::size_t max_der_file_bytes = std::size_t{16} << 20;
  unsigned threads = 0; // decoding threads; 0: one per core
  // Bytes per read(2), at least 64. Smaller only to test blocks cut by a read boundary (tests/fuzz).
  std::size_t chunk_bytes = std::size_t{256} << 10;
  // SanLists::skip when the report will not show the SAN lists (expiry_format_shows_sans).
  SanLists sans = SanLists::read;
};

// Receives what the scan finds. Calls are serialized; `order` ranks each find among all the
// sources as given, so that a report built from it does not depend on thread timing.
class ScanSink {
public:
  virtual ~ScanSink() = default;
  virtual void certificate(std::uint64_t order, const std::string& source, CertificateInfo&& cert) = 0;
  virtual void problem(std::uint64_t order, SourceProblem problem) = 0;
  // A file met in a folder that holds no certificate at all (empty, a private key, a
  // request, a README): not a problem, since /etc/letsencrypt/live/NAME/ keeps privkey.pem
  // and a README next to the certificates (issue 14 part 4). A file named on the command line
  // is still a problem when it holds none.
  virtual void skipped(std::uint64_t order, const std::string& source) = 0;
};

struct ScanProgress {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
};

// Scans files and folders (recursively; symbolic links to folders are not followed). Orders
// start at `first_order`; returns the next unused one. `progress`, when set, is called from
// the calling thread every few files.
std::uint64_t scan_paths(const std::vector<std::string>& paths, ScanSink& sink, const ScanLimits& limits,
                         std::uint64_t first_order, const std::function<void(const ScanProgress&)>& progress);

} // namespace certplan
