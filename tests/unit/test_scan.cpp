// expiry's scan (src/scan): the walk, stepped by whichever reader thread finds its queue short,
// gives every file the same order on one thread and on four; and a sink that fails stops the
// scan with its error on every thread count instead of ending the process or hanging.
#include <certplan/error.hpp>
#include <certplan/scan.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

const std::string k_cert = std::string(CERTPLAN_TEST_DATA) + "/certs/san-order.pem";

// 150 copies of one certificate in nested folders (more than the walk queues at once), and a
// README that holds none.
class Tree {
public:
  Tree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string p = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/certplan-test-scan-XXXXXX";
    REQUIRE(::mkdtemp(p.data()) != nullptr);
    m_root = p;
    for (int i = 0; i < 150; ++i) {
      const auto dir = m_root / std::to_string(i % 3) / (i % 2 ? "odd" : "even");
      std::filesystem::create_directories(dir);
      std::filesystem::copy_file(k_cert, dir / (std::to_string(i) + ".pem"));
    }
    std::ofstream(m_root / "1" / "README") << "no certificate here\n";
  }
  ~Tree() { std::filesystem::remove_all(m_root); }
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  std::string path() const { return m_root.string(); }

private:
  std::filesystem::path m_root;
};

// Every find by order; throws on the `fail_at`-th certificate (0: never).
class Collect final : public certplan::ScanSink {
public:
  explicit Collect(std::size_t fail_at = 0) : m_fail_at(fail_at) {}
  void certificate(std::uint64_t order, const std::string& source, certplan::CertificateInfo&&) override {
    if (++m_certificates == m_fail_at) {
      throw certplan::Error(certplan::ErrorKind::io, "temporary file: write failed: No space left on device");
    }
    found[order] = source;
  }
  void problem(std::uint64_t order, certplan::SourceProblem p) override { found[order] = "problem " + p.source; }
  void skipped(std::uint64_t order, const std::string& source) override { found[order] = "skipped " + source; }
  std::map<std::uint64_t, std::string> found;

private:
  std::size_t m_fail_at;
  std::size_t m_certificates = 0;
};

std::map<std::uint64_t, std::string> scan(const std::string& root, unsigned threads) {
  Collect sink;
  certplan::ScanLimits limits;
  limits.threads = threads;
  REQUIRE(certplan::scan_paths({root, k_cert}, sink, limits, 0, {}) != 0);
  return sink.found;
}

} // namespace

TEST_CASE("scan: the same orders on one thread and on four, in sorted walk order", "[scan]") {
  const Tree tree;
  const auto one = scan(tree.path(), 1);
  REQUIRE(one.size() == 152); // 150 files, the README, the file named after the folder
  REQUIRE(scan(tree.path(), 4) == one);
  std::vector<std::string> sources;
  for (const auto& [order, source] : one) {
    sources.push_back(source);
  }
  // Byte order of the names: "0.pem" < "102.pem" < ...; "README" < "even" in folder 1, after
  // folder 0's 50 files; the file named on the command line last.
  REQUIRE(sources.front() == tree.path() + "/0/even/0.pem");
  REQUIRE(sources[1] == tree.path() + "/0/even/102.pem");
  REQUIRE(sources[50] == "skipped " + tree.path() + "/1/README");
  REQUIRE(sources.back() == k_cert);
}

TEST_CASE("scan: a sink that fails stops every thread and its error comes out", "[scan]") {
  const Tree tree;
  for (const unsigned threads : {1U, 2U, 4U}) {
    CAPTURE(threads);
    Collect sink(20);
    certplan::ScanLimits limits;
    limits.threads = threads;
    REQUIRE_THROWS_WITH(certplan::scan_paths({tree.path()}, sink, limits, 0, {}), Catch::Contains("No space left"));
  }
}

TEST_CASE("scan: SanLists::skip hands over certificates without their SAN lists, the rest as read", "[scan]") {
  class Keep final : public certplan::ScanSink {
  public:
    void certificate(std::uint64_t, const std::string&, certplan::CertificateInfo&& c) override { certs.push_back(std::move(c)); }
    void problem(std::uint64_t, certplan::SourceProblem) override {}
    void skipped(std::uint64_t, const std::string&) override {}
    std::vector<certplan::CertificateInfo> certs;
  };
  const auto read = [](certplan::SanLists sans) {
    Keep sink;
    certplan::ScanLimits limits;
    limits.sans = sans;
    certplan::scan_paths({k_cert}, sink, limits, 0, {});
    REQUIRE(sink.certs.size() == 1);
    return sink.certs.front();
  };
  const certplan::CertificateInfo with = read(certplan::SanLists::read);
  const certplan::CertificateInfo without = read(certplan::SanLists::skip);
  REQUIRE(with.dns_sans.size() > 1); // the fixture has SANs to leave out
  CHECK(without.dns_sans.empty());
  CHECK(without.ip_sans.empty());
  CHECK(without.subject_cn == with.subject_cn);
  CHECK(without.not_after == with.not_after);
  CHECK(without.sha256_fingerprint == with.sha256_fingerprint);
}
