#include <certplan/error.hpp>
#include <certplan/io.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <fstream>
#include <functional>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <unistd.h>

namespace certplan {
namespace {

// write(2) until all of [p, p + n) is written, retrying on EINTR; false with errno set on
// failure (a short write of 0 counts as one: the disk is full).
bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w <= 0) {
      if (w == 0) {
        errno = ENOSPC;
      }
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

} // namespace

// One writer, the streaming one: a string is a stream written in one go.
void write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
  write_file_atomic_stream(
      path, [&](std::ostream& os) { os.write(data.data(), static_cast<std::streamsize>(data.size())); }, mode);
}

std::string read_file(const std::string& path, const InputLimits& limits) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorKind::input, fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  struct stat st{};
  std::string data;
  const auto fail = [&](const std::string& message) {
    ::close(fd);
    throw Error(ErrorKind::input, message);
  };
  const auto too_large = [&](const std::string& message) {
    ::close(fd);
    throw Error(ErrorKind::input, message, std::nullopt, Limit::file_size);
  };
  if (::fstat(fd, &st) != 0) {
    fail(fmt::format("{}: cannot stat: {}", path, std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    fail(fmt::format("{}: is a folder, not a file", path));
  }
  const std::uint64_t limit = limits.max_file_bytes;
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > limit) {
    too_large(fmt::format("{}: {} bytes, more than the limit of {}", path, st.st_size, limit));
  }
  // Read to the end rather than trusting st_size: pipes and /proc files report 0.
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail(fmt::format("{}: read failed: {}", path, std::strerror(errno)));
    }
    if (n == 0) {
      break;
    }
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > limit) {
      too_large(fmt::format("{}: more than the limit of {} bytes", path, limit));
    }
  }
  ::close(fd);
  return data;
}

} // namespace certplan

namespace certplan {

void FileSet::add(std::string name, std::string data, unsigned mode, Existing existing) {
  m_entries.push_back({std::move(name), std::move(data), mode, existing});
}

std::vector<std::string> FileSet::conflicts() const {
  std::vector<std::string> out;
  for (const auto& e : m_entries) {
    struct stat st {};
    if (e.existing == Existing::refuse && ::lstat((m_dir + "/" + e.name).c_str(), &st) == 0) {
      out.push_back(e.name);
    }
  }
  return out;
}

void FileSet::commit(const std::string& aside_suffix) {
  if (::mkdir(m_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    throw Error(ErrorKind::io, fmt::format("{}: cannot create the directory: {}", m_dir, std::strerror(errno)));
  }
  std::string stage = m_dir + "/.certplan-stage-XXXXXX";
  if (::mkdtemp(stage.data()) == nullptr) {
    throw Error(ErrorKind::io, fmt::format("{}: cannot create a staging directory: {}", m_dir, std::strerror(errno)));
  }
  // Undo log, newest last: each entry puts one thing back.
  std::vector<std::function<void()>> undo;
  const auto cleanup_stage = [&] {
    for (const auto& e : m_entries) {
      ::unlink((stage + "/" + e.name).c_str());
      ::unlink((stage + "/" + e.name + ".old").c_str());
    }
    ::rmdir(stage.c_str());
  };
  const auto fail = [&](const std::string& what, int err) {
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      (*it)();
    }
    cleanup_stage();
    throw Error(ErrorKind::io, fmt::format("{}: {}: {} (nothing was changed)", m_dir, what, std::strerror(err)));
  };
  // 1. Write every file in the stage: a full disk fails here, before anything moved.
  for (const auto& e : m_entries) {
    const std::string path = stage + "/" + e.name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(e.mode));
    if (fd < 0) {
      fail("cannot write " + e.name, errno);
    }
    if (!write_all(fd, e.data.data(), e.data.size())) {
      const int err = errno;
      ::close(fd);
      fail("cannot write " + e.name, err);
    }
    if (::close(fd) != 0) {
      fail("cannot write " + e.name, errno);
    }
  }
  // One syncfs for the whole set instead of an fsync per file: a hoster's run writes
  // hundreds of files, and per-file fsync made it I/O-bound (1.6 s wall for 0.2 s of CPU).
  if (const int dfd = ::open(stage.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    const int rc = ::syncfs(dfd);
    const int err = errno;
    ::close(dfd);
    if (rc != 0) {
      fail("cannot flush the files to disk", err);
    }
  }
  // 2. Place them.
  for (const auto& e : m_entries) {
    const std::string target = m_dir + "/" + e.name;
    const std::string staged = stage + "/" + e.name;
    if (e.existing == Existing::refuse) {
      if (!aside_suffix.empty() && ::access(target.c_str(), F_OK) == 0) {
        const std::string aside = target + aside_suffix;
        if (::link(target.c_str(), aside.c_str()) != 0) {
          fail("cannot move " + e.name + " aside", errno);
        }
        ::unlink(target.c_str());
        undo.emplace_back([target, aside] {
          ::link(aside.c_str(), target.c_str());
          ::unlink(aside.c_str());
        });
      }
      // link(2) fails with EEXIST instead of replacing: a key is never overwritten, even by
      // a file that appeared since conflicts() looked.
      if (::link(staged.c_str(), target.c_str()) != 0) {
        fail("cannot place " + e.name, errno);
      }
      undo.emplace_back([target] { ::unlink(target.c_str()); });
    } else {
      const std::string old = staged + ".old";
      const bool had = ::link(target.c_str(), old.c_str()) == 0;
      if (::rename(staged.c_str(), target.c_str()) != 0) {
        fail("cannot place " + e.name, errno);
      }
      undo.emplace_back([target, old, had] {
        if (had) {
          ::rename(old.c_str(), target.c_str());
        } else {
          ::unlink(target.c_str());
        }
      });
    }
  }
  cleanup_stage();
}

namespace {

// Whether the file's pages start for the disk while it is written (the temporary file, which
// is fsync'ed before its rename), or only when the system decides (a device or a FIFO).
enum class Writeback { as_written, system };

// A minimal ostream buffer over a file descriptor, so output can stream into the temporary
// file that write_file_atomic_stream renames into place.
class FdBuf final : public std::streambuf {
public:
  FdBuf(int fd, Writeback writeback) : m_fd(fd), m_writeback(writeback) { setp(m_buf, m_buf + sizeof m_buf); }
  bool failed() const { return m_failed; }
  int sync() override { return drain() ? 0 : -1; }

protected:
  // A piece as large as the buffer or larger (a chunk of rows rendered on another core, 100 KB
  // and more) goes to the file as it is, after what is buffered: streambuf's own xsputn copied
  // it through the buffer, a second copy of the whole output (issue 18: 144 MB for the JSON of
  // 100,000 certificates).
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(sizeof m_buf)) {
      return std::streambuf::xsputn(s, n);
    }
    if (!drain() || !write_out(s, static_cast<std::size_t>(n))) {
      return 0;
    }
    return n;
  }

  int_type overflow(int_type ch) override {
    if (!drain()) {
      return traits_type::eof();
    }
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

private:
  bool drain() {
    if (!write_out(pbase(), static_cast<std::size_t>(pptr() - pbase()))) {
      return false;
    }
    setp(m_buf, m_buf + sizeof m_buf);
    return true;
  }

  bool write_out(const char* p, std::size_t n) {
    if (!write_all(m_fd, p, n)) {
      m_failed = true;
      m_errno = errno;
      return false;
    }
    m_written += n;
    if (m_writeback == Writeback::as_written && m_written - m_started >= k_writeback_step) {
      // The pages written so far go to the disk now, while the rest is made, rather than all
      // in the fsync before the rename: 0.07-0.14 s of waiting for the 144 MB JSON of 100,000
      // certificates (issue 18). RocksDB's bytes_per_sync and PostgreSQL's *_flush_after do
      // the same with sync_file_range(2); SYNC_FILE_RANGE_WRITE only starts the writeback.
      // A hint: when it fails, the fsync still writes everything.
      ::sync_file_range(m_fd, static_cast<off_t>(m_started), static_cast<off_t>(m_written - m_started), SYNC_FILE_RANGE_WRITE);
      m_started = m_written;
    }
    return true;
  }

public:
  int error() const { return m_errno; }

private:
  static constexpr std::size_t k_writeback_step = std::size_t{8} << 20;
  int m_fd;
  Writeback m_writeback;
  std::size_t m_written = 0; // bytes written to m_fd
  std::size_t m_started = 0; // of which the writeback was started
  bool m_failed = false;
  int m_errno = 0;
  char m_buf[1 << 16];
};

} // namespace

namespace {

// Runs `write` into `fd` through one buffer: the errno of a failed write, else 0. What `write`
// throws goes on to the caller, which closes (and cleans up) as it must.
int write_to(int fd, const std::function<void(std::ostream&)>& write, Writeback writeback) {
  FdBuf buf(fd, writeback);
  std::ostream os(&buf);
  write(os);
  os.flush();
  return buf.failed() ? buf.error() : 0;
}

// `-o /dev/null`, `-o /dev/stdout`, a FIFO: renaming a file over a device or a pipe would
// replace it (as root, /dev/null itself became a regular file), so what is not a regular file
// is written in place, as a shell's `>` would, and never made or renamed.
bool write_in_place(const std::string& path, const std::function<void(std::ostream&)>& write) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    return false;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    throw Error(ErrorKind::io, fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  int write_error = 0;
  try {
    write_error = write_to(fd, write, Writeback::system);
  } catch (...) {
    ::close(fd);
    throw;
  }
  const int close_error = ::close(fd) != 0 ? errno : 0;
  if (write_error != 0 || close_error != 0) {
    throw Error(ErrorKind::io,
                fmt::format("{}: write failed: {}", path, std::strerror(write_error != 0 ? write_error : close_error)));
  }
  return true;
}

} // namespace

void write_file_atomic_stream(const std::string& path, const std::function<void(std::ostream&)>& write, unsigned mode) {
  if (write_in_place(path, write)) {
    return;
  }
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) {
    throw Error(ErrorKind::io, fmt::format("{}: cannot create a temporary file: {}", path, std::strerror(errno)));
  }
  const auto fail = [&](const std::string& what, int e) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::io, fmt::format("{}: {}: {}", path, what, std::strerror(e)));
  };
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, static_cast<mode_t>(mode) & ~mask) != 0) {
    fail("cannot set permissions", errno);
  }
  int write_error = 0;
  try {
    write_error = write_to(fd, write, Writeback::as_written);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (write_error != 0) {
    fail("write failed", write_error);
  }
  if (::fsync(fd) != 0) {
    fail("fsync failed", errno);
  }
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::io, fmt::format("{}: close failed: {}", path, std::strerror(e)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::io, fmt::format("{}: cannot rename into place: {}", path, std::strerror(e)));
  }
}

} // namespace certplan
