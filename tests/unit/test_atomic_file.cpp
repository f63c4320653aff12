// io/atomic_file.cpp's streaming writer: every byte arrives in order whatever the sizes of the
// pieces written (a piece as large as its 64 KiB buffer or larger goes to the file directly;
// every 8 MiB the writeback starts), and a failed write is an Error, not a short file.
#include <certplan/error.hpp>
#include <certplan/io.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

// Each piece its own bytes, so that a piece written twice, dropped or out of order shows.
std::string piece(std::size_t size, char seed) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    s[i] = static_cast<char>(seed + static_cast<char>(i % 251));
  }
  return s;
}

} // namespace

TEST_CASE("atomic stream: pieces of every size around the buffer's arrive in order", "[io]") {
  std::string dir = "/tmp/certplan-test-atomic.XXXXXX";
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  const std::string path = dir + "/out.txt";
  const std::size_t buffer = std::size_t{1} << 16;
  // Past 8 MiB too, where the writer starts the writeback of what it wrote (sync_file_range).
  const std::vector<std::size_t> sizes{1, 100, buffer - 1, buffer, 3, buffer + 1, 300000, 0, 7, buffer * 2, 5, std::size_t{9} << 20, 11};
  std::string want;
  certplan::write_file_atomic_stream(path, [&](std::ostream& out) {
    char seed = 'a';
    for (const std::size_t size : sizes) {
      const std::string p = piece(size, seed++);
      out.write(p.data(), static_cast<std::streamsize>(p.size()));
      out << '|'; // a character between: buffered, before and after the direct writes
      want += p + '|';
    }
  });
  std::ifstream in(path, std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(got.size() == want.size());
  REQUIRE(got == want);
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("atomic stream: a large piece that cannot be written is an io Error", "[io]") {
  // /dev/full is written in place (not a regular file) and refuses every write with ENOSPC.
  REQUIRE(::access("/dev/full", W_OK) == 0);
  const std::string big = piece(std::size_t{1} << 20, 'x');
  for (const std::size_t small : {std::size_t{0}, std::size_t{10}}) {
    CAPTURE(small);
    try {
      certplan::write_file_atomic_stream("/dev/full", [&](std::ostream& out) {
        out << std::string(small, 's');
        out.write(big.data(), static_cast<std::streamsize>(big.size()));
      });
      FAIL("no error");
    } catch (const certplan::Error& e) {
      CHECK(e.kind() == certplan::ErrorKind::io);
      CHECK(std::string(e.message()).find("write failed") != std::string::npos);
    }
  }
}
