#include <certplan/error.hpp>
#include <certplan/io.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace certplan {

void write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) {
    throw Error(ErrorKind::io, fmt::format("{}: cannot create a temporary file: {}", path, std::strerror(errno)));
  }
  const auto fail = [&](const char* what) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::io, fmt::format("{}: {}: {}", path, what, std::strerror(e)));
  };
  // mkstemp creates 0600; honour the requested mode as open(2) would, through the umask.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, static_cast<mode_t>(mode) & ~mask) != 0) {
    fail("cannot set permissions");
  }
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail("write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    fail("fsync failed");
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::io, fmt::format("{}: close failed: {}", path, std::strerror(errno)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::io, fmt::format("{}: cannot rename into place: {}", path, std::strerror(e)));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorKind::input, fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

} // namespace certplan
