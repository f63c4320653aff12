// The floor of bench/expiry_bench.py: the least work a reader of certificate files can do, in
// one process on one thread, with plain POSIX calls and nothing of certplan.
//
// usage: der_floor [-r] PATH...
//   Files are read whole; folders are walked recursively (symbolic links not followed).
//   -r  read only: every byte of every file, nothing more (the floor of `expiry TREE`, where
//       opening 100,000 files is most of the work);
//   without -r, every PEM certificate block is also base64-decoded to its DER (the floor of
//   `expiry BUNDLE`: one file, where the decoding is the work).
// Prints the files, bytes read, PEM blocks and DER bytes, so that the work cannot be skipped.
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

// Decodes every block's body into one reused buffer, up to the first character that is not
// base64 ('=' or the END line's dash).
void decode_pem(std::string_view text, std::string& der, Totals& totals) {
  for (std::size_t at = text.find(k_begin); at != std::string_view::npos; at = text.find(k_begin, at)) {
    at += k_begin.size();
    std::size_t end = text.find('-', at);
    end = end == std::string_view::npos ? text.size() : end;
    if (der.size() < end - at) {
      der.resize(end - at); // reused: no allocation per block
    }
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    std::size_t n = 0;
    std::uint32_t acc = 0;
    int bits = 0;
    for (; at < end; ++at) {
      const std::uint8_t v = k_base64[static_cast<unsigned char>(text[at])];
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
}

void read_file(const char* path, bool decode, std::string& data, std::string& der, Totals& totals) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror(path);
    return;
  }
  if (data.empty()) {
    data.resize(std::size_t{256} << 10); // reused for every file
  }
  // A short read from a regular file is its end, as certplan's reader takes it: three system
  // calls per small file, not four.
  std::size_t got = 0;
  for (;;) {
    const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    got += static_cast<std::size_t>(n > 0 ? n : 0);
    if (got < data.size()) {
      break;
    }
    data.resize(data.size() * 2);
  }
  ::close(fd);
  ++totals.files;
  totals.bytes += got;
  if (decode) {
    decode_pem(std::string_view(data).substr(0, got), der, totals);
  }
}

void walk(const std::string& dir, bool decode, std::string& data, std::string& der, Totals& totals) {
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
      walk(path, decode, data, der, totals);
    } else if (e->d_type == DT_REG) {
      read_file(path.c_str(), decode, data, der, totals);
    }
  }
  ::closedir(d);
}

} // namespace

int main(int argc, char** argv) {
  bool decode = true;
  Totals totals;
  std::string data;
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
      walk(argv[i], decode, data, der, totals);
    } else {
      read_file(argv[i], decode, data, der, totals);
    }
  }
  std::printf("%llu files, %llu bytes, %llu PEM blocks, %llu DER bytes\n", static_cast<unsigned long long>(totals.files),
              static_cast<unsigned long long>(totals.bytes), static_cast<unsigned long long>(totals.blocks),
              static_cast<unsigned long long>(totals.der_bytes));
  return 0;
}
