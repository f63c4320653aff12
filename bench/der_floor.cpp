// The floor of bench/expiry_bench.py: the least work a reader of certificate files can do, in
// one process on one thread, with plain POSIX calls and nothing of certplan.
//
// usage: der_floor [-r] PATH...
//   Files are read in 256 KiB reads; folders are walked recursively (links not followed).
//   -r  read only: every byte of every file, nothing more (the floor of `expiry TREE`, where
//       opening 100,000 files is most of the work);
//   without -r, every PEM certificate block is also base64-decoded to its DER (the floor of
//   `expiry BUNDLE`: one file, where the decoding is the work).
// Prints the files, bytes read, PEM blocks and DER bytes, so that the work cannot be skipped.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace {

struct Totals {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t blocks = 0;
  std::uint64_t der_bytes = 0;
};

constexpr std::string_view k_begin = "-----BEGIN CERTIFICATE-----";

// 0-63 for the base64 alphabet, 64 for what is skipped (white space), 65 for anything else.
constexpr std::array<std::uint8_t, 256> base64_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) {
    v = 65;
  }
  constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::uint8_t i = 0; i < 64; ++i) {
    t[static_cast<unsigned char>(k_alphabet[i])] = i;
  }
  t['\n'] = t['\r'] = t[' '] = t['\t'] = 64;
  return t;
}
constexpr auto k_base64 = base64_table();

// Decodes one block's body (after its BEGIN line) into a reused buffer, up to the first
// character that is not base64 ('=' or the END line's dash).
void decode_block(std::string_view body, std::string& der, Totals& totals) {
  if (der.size() < body.size()) {
    der.resize(body.size()); // reused: no allocation per block
  }
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  std::size_t n = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : body) {
    const std::uint8_t v = k_base64[static_cast<unsigned char>(c)];
    if (v == 64) {
      continue;
    }
    if (v == 65) {
      break;
    }
    acc = acc << 6 | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = static_cast<unsigned char>(acc >> bits);
    }
  }
  if (n != 0 && out[0] == 0x30) { // a SEQUENCE, as every certificate
    ++totals.blocks;
    totals.der_bytes += n;
  }
}

// Decodes the complete blocks in `text` and erases what it is done with: the rest waits for
// the next read (a block cut by the read boundary).
void decode_pem(std::string& text, std::string& der, Totals& totals) {
  constexpr std::string_view k_end = "-----END";
  std::size_t keep = 0;
  for (std::size_t at = 0;;) {
    const std::size_t b = text.find(k_begin, at);
    if (b == std::string::npos) {
      keep = text.size() > k_begin.size() ? std::max(at, text.size() - k_begin.size()) : at;
      break;
    }
    const std::size_t e = text.find(k_end, b + k_begin.size());
    if (e == std::string::npos) {
      keep = b;
      break;
    }
    decode_block(std::string_view(text).substr(b + k_begin.size(), e - b - k_begin.size()), der, totals);
    at = e + k_end.size();
  }
  text.erase(0, keep);
}

// In 256 KiB reads, as certplan reads, so that a bundle is never in memory whole.
void read_file(const char* path, bool decode, std::string& chunk, std::string& text, std::string& der, Totals& totals) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror(path);
    return;
  }
  if (chunk.empty()) {
    chunk.resize(std::size_t{256} << 10); // reused for every file
  }
  text.clear();
  // A short read from a regular file is its end, as certplan's reader takes it: three system
  // calls per small file, not four.
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    const auto got = static_cast<std::size_t>(n > 0 ? n : 0);
    totals.bytes += got;
    if (decode) {
      text.append(chunk, 0, got);
      decode_pem(text, der, totals);
    }
    if (got < chunk.size()) {
      break;
    }
  }
  ::close(fd);
  ++totals.files;
}

void walk(const std::string& dir, bool decode, std::string& chunk, std::string& text, std::string& der, Totals& totals) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    std::perror(dir.c_str());
    return;
  }
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0'))) {
      continue;
    }
    const std::string path = dir + "/" + e->d_name;
    if (e->d_type == DT_DIR) {
      walk(path, decode, chunk, text, der, totals);
    } else if (e->d_type == DT_REG) {
      read_file(path.c_str(), decode, chunk, text, der, totals);
    }
  }
  ::closedir(d);
}

} // namespace

int main(int argc, char** argv) {
  bool decode = true;
  Totals totals;
  std::string chunk;
  std::string text;
  std::string der;
  for (int i = 1; i < argc; ++i) {
    decode = decode && std::strcmp(argv[i], "-r") != 0; // wherever it is given
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-r") == 0) {
      continue;
    }
    struct stat st {};
    if (::stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      walk(argv[i], decode, chunk, text, der, totals);
    } else {
      read_file(argv[i], decode, chunk, text, der, totals);
    }
  }
  std::printf("%llu files, %llu bytes, %llu PEM blocks, %llu DER bytes\n", static_cast<unsigned long long>(totals.files),
              static_cast<unsigned long long>(totals.bytes), static_cast<unsigned long long>(totals.blocks),
              static_cast<unsigned long long>(totals.der_bytes));
  return 0;
}
