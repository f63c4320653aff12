// The file spill of `certplan expiry`: every record reads back as appended, whether the file
// is mapped (at most map_bytes) or read with pread, and across a second sync().
#include <certplan/error.hpp>
#include <certplan/spill.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

namespace {

// Records of many sizes, one larger than the spill's 256 KiB write buffer, each its own bytes.
std::vector<std::string> records(std::size_t n, char seed) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t size = i == n / 2 ? (std::size_t{300} << 10) : (i * 37) % 500;
    std::string r(size, '\0');
    for (std::size_t k = 0; k < size; ++k) {
      r[k] = static_cast<char>(seed + static_cast<char>(i * 7 + k));
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Through read() and through view(), which the report's readers use: a view of the mapping
// where there is one, else of the scratch string read() filled.
void require_reads_back(const certplan::RecordSpill& spill, const std::vector<std::pair<std::uint64_t, std::string>>& at) {
  std::string got;
  std::string scratch;
  for (auto it = at.rbegin(); it != at.rend(); ++it) { // backwards: not the order written
    spill.read(it->first, it->second.size(), got);
    REQUIRE(got == it->second);
    REQUIRE(spill.view(it->first, it->second.size(), scratch) == it->second);
  }
}

} // namespace

TEST_CASE("file spill: records read back mapped and unmapped, across a second sync", "[spill]") {
  // 0: never mapped (pread); 512 KiB: mapped after the first sync (about 360 KB), too big
  // after the second (about 730 KB: the mapped prefix and pread together); 64 MiB: mapped
  // after both.
  const std::uint64_t map_bytes = GENERATE(std::uint64_t{0}, std::uint64_t{512} << 10, std::uint64_t{64} << 20);
  CAPTURE(map_bytes);
  const auto spill = certplan::make_file_spill(map_bytes);
  std::vector<std::pair<std::uint64_t, std::string>> at;
  for (auto& r : records(200, 'a')) {
    at.emplace_back(spill->append(r), std::move(r));
  }
  spill->sync();
  require_reads_back(*spill, at);
  std::string got;
  REQUIRE_THROWS_AS(spill->read(at.back().first, at.back().second.size() + 1, got), certplan::Error);
  REQUIRE_THROWS_AS(spill->view(at.back().first, at.back().second.size() + 1, got), certplan::Error);
  for (auto& r : records(300, 'k')) {
    at.emplace_back(spill->append(r), std::move(r));
  }
  // Appended since the sync: not readable yet, wherever the mapping ends.
  REQUIRE_THROWS_AS(spill->read(at.back().first, at.back().second.size(), got), certplan::Error);
  spill->sync();
  require_reads_back(*spill, at);
}
