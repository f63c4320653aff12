#include <certplan/error.hpp>
#include <certplan/scan.hpp>

#include <fmt/format.h>

#include "scan/walk.hpp"
#include "util/pem.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

namespace certplan {
namespace {

constexpr std::string_view k_begin = util::k_pem_cert_begin;
constexpr std::string_view k_end = util::k_pem_cert_end;
constexpr std::size_t k_batch_bytes = std::size_t{64} << 10;
constexpr std::size_t k_group_files = 32; // files go in groups: one wake-up per group, not per file
using scan::FileJob;

// DER or PEM, judged on the first two bytes: a SEQUENCE with a long-form length, as every
// certificate has. Looking for a BEGIN line in the first read instead made the answer depend
// on the read size for a file with a PEM block after binary bytes (tests/fuzz/fuzz_scan.cpp).
bool looks_like_der(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x30 && static_cast<unsigned char>(head[1]) >= 0x81 &&
         static_cast<unsigned char>(head[1]) <= 0x84;
}

// Certificate blocks of one file, as cut from its text, waiting to be decoded.
struct Batch {
  struct Block {
    std::uint64_t order;
    std::uint32_t line;   // of the BEGIN line; 0 for DER
    std::uint32_t number; // 1-based within the file
    std::size_t offset;
    std::size_t size;
  };
  std::string source;
  std::string text;
  std::vector<Block> blocks;
};

// Files to read and batches to decode, behind one lock. The walk is a job too: taken by the
// first thread that finds the file queue short, one thread at a time, until the queue is full
// again; so the walk never waits for a reader and no thread waits for the walk while there are
// files to read. A reader whose batch finds the batch queue full decodes it itself. Both
// bounds are what keeps memory flat, and no thread ever waits on a full queue.
class Work {
public:
  enum class Job { batch, files, walk, done };

  // From the walking thread only.
  void push_files(std::vector<FileJob>&& jobs) {
    std::lock_guard lock(m_mutex);
    m_files.push_back(std::move(jobs));
    m_ready.notify_one();
  }
  bool files_full() {
    std::lock_guard lock(m_mutex);
    return m_files.size() >= k_files;
  }
  // The walking thread is done walking for now; `over`: for good.
  void walked(bool over) {
    std::lock_guard lock(m_mutex);
    m_walking = false;
    m_walk_over = over;
    m_ready.notify_all();
  }
  bool try_push_batch(Batch&& b) {
    std::lock_guard lock(m_mutex);
    if (m_batches.size() >= k_batches) {
      return false;
    }
    m_batches.push_back(std::move(b));
    m_ready.notify_one();
    return true;
  }
  // A batch first (it frees memory), then the walk when the file queue runs short, then a
  // file; Job::done once everything is done.
  Job pop(std::optional<Batch>& batch, std::optional<std::vector<FileJob>>& file) {
    std::unique_lock lock(m_mutex);
    const auto walk_wanted = [&] { return !m_walk_over && !m_walking && m_files.size() < k_files / 2; };
    m_ready.wait(lock, [&] {
      return m_aborted || !m_batches.empty() || !m_files.empty() || walk_wanted() || (m_walk_over && m_reading == 0);
    });
    if (m_aborted) {
      return Job::done;
    }
    if (!m_batches.empty()) {
      batch = std::move(m_batches.front());
      m_batches.pop_front();
      return Job::batch;
    }
    if (walk_wanted()) {
      m_walking = true;
      return Job::walk;
    }
    if (!m_files.empty()) {
      file = std::move(m_files.front());
      m_files.pop_front();
      ++m_reading;
      return Job::files;
    }
    return Job::done;
  }
  void file_done() {
    std::lock_guard lock(m_mutex);
    --m_reading;
    m_ready.notify_all();
  }
  // A thread failed (the sink could not write its spill): every thread stops at its next pop.
  void abort() {
    std::lock_guard lock(m_mutex);
    m_aborted = true;
    m_ready.notify_all();
  }

private:
  static constexpr std::size_t k_files = 16;
  static constexpr std::size_t k_batches = 2;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::vector<FileJob>> m_files;
  std::deque<Batch> m_batches;
  unsigned m_reading = 0;
  bool m_walking = false;
  bool m_walk_over = false;
  bool m_aborted = false;
};

// What a worker decoded, handed to the sink in one go.
struct Found {
  struct Certificate {
    std::uint64_t order;
    std::string source;
    CertificateInfo cert;
  };
  std::vector<Certificate> certificates;
  std::vector<std::pair<std::uint64_t, SourceProblem>> problems;
};

class Scanner {
public:
  Scanner(ScanSink& sink, const ScanLimits& limits, const std::vector<std::string>& paths, std::uint64_t first_order)
      : m_sink(sink), m_limits(limits), m_walk(paths, first_order) {
    m_limits.chunk_bytes = std::max<std::size_t>(m_limits.chunk_bytes, 64); // the first read decides DER or PEM
  }
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Reads and decodes on `threads` threads, the calling one included (it also reports the
  // progress); returns the next unused order. The first exception any thread meets stops them
  // all and is rethrown here.
  std::uint64_t run(unsigned threads, const std::function<void(const ScanProgress&)>& progress) {
    std::exception_ptr failure;
    std::mutex failure_mutex;
    const auto guarded = [&](const std::function<void(const ScanProgress&)>& report) {
      try {
        work(report);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        failure = failure ? failure : std::current_exception();
        m_work.abort();
      }
    };
    std::vector<std::thread> others;
    for (unsigned i = 1; i < threads; ++i) {
      others.emplace_back([&] { guarded({}); });
    }
    guarded(progress);
    for (auto& t : others) {
      t.join();
    }
    if (failure) {
      std::rethrow_exception(failure);
    }
    return m_walk.next_order();
  }

  ScanProgress progress_now() const { return {m_files_done.load(), m_bytes.load()}; }

private:
  // Steps the walk until the file queue is full or the walk is over.
  void walk() {
    const scan::WalkProblem problem = [this](std::uint64_t order, const std::string& source, std::string message) {
      this->problem(order, source, std::move(message));
    };
    bool more = true;
    do {
      more = m_walk.step(m_group, k_group_files, problem);
      if (m_group.size() >= k_group_files || (!more && !m_group.empty())) {
        m_work.push_files(std::move(m_group));
        m_group.clear();
      }
    } while (more && !m_work.files_full());
    m_work.walked(!more);
  }

  void problem(std::uint64_t order, const std::string& source, std::string message,
               std::optional<Limit> limit = std::nullopt) {
    std::lock_guard lock(m_sink_mutex);
    m_sink.problem(order, {source, std::move(message), false, limit});
  }

  // No certificate in the file: skipped when the folder walk found it, a problem when named.
  void no_certificate(const FileJob& job, std::string message) {
    if (job.regular) {
      std::lock_guard lock(m_sink_mutex);
      m_sink.skipped(job.order, job.path);
    } else {
      problem(job.order, job.path, std::move(message));
    }
  }

  void work(const std::function<void(const ScanProgress&)>& progress) {
    std::unique_ptr<char[]> chunk(new char[m_limits.chunk_bytes]); // not zeroed: read(2) fills it
    std::string carry;
    std::optional<Batch> batch;
    std::optional<std::vector<FileJob>> files;
    Found found;
    Batch pending; // one file's blocks; reused, so that a small file costs no allocation for them
    for (Work::Job job; (job = m_work.pop(batch, files)) != Work::Job::done;) {
      if (job == Work::Job::walk) {
        walk();
      } else if (job == Work::Job::batch) {
        decode(*batch, found);
        batch.reset();
        deliver(found);
      } else {
        for (const auto& f : *files) {
          read_file(f, chunk.get(), carry, pending, found);
          ++m_files_done;
        }
        files.reset();
        deliver(found); // once per group: the sink's lock is taken rarely
        m_work.file_done();
      }
      // Not after a walk step: no file is read yet, and a line saying fewer files than were
      // read would keep the last count from showing (the line is shown at most ten times a second).
      if (progress && job != Work::Job::walk) {
        progress(progress_now());
      }
    }
  }

  // Reads up to `want` bytes; fewer only at the end of the file. From a regular file a short
  // read is the end (saving a second read(2) per small file, 100,000 of them in a tree).
  std::size_t read_some(int fd, const std::string& path, char* buf, std::size_t want, bool regular = false) {
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::read(fd, buf + got, want - got);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw Error(ErrorKind::input, fmt::format("{}: read failed: {}", path, std::strerror(errno)));
      }
      if (n == 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
      if (regular) {
        break;
      }
    }
    m_bytes += got;
    return got;
  }

  void read_file(const FileJob& job, char* chunk, std::string& carry, Batch& pending, Found& found) {
    const int fd = ::open(job.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      problem(job.order, job.path, fmt::format("{}: cannot open: {}", job.path, std::strerror(errno)));
      return;
    }
    pending.source = job.path;
    pending.text.clear();
    pending.blocks.clear();
    try {
      const std::size_t n = read_some(fd, job.path, chunk, m_limits.chunk_bytes, job.regular);
      carry.assign(chunk, n);
      if (n == 0) {
        no_certificate(job, fmt::format("{}: empty file", job.path));
      } else if (looks_like_der(carry)) {
        read_der(fd, job, chunk, carry, pending, found);
      } else {
        read_pem(fd, job, chunk, carry, pending, found);
      }
    } catch (const Error& e) {
      problem(job.order, job.path, e.message());
    }
    ::close(fd);
    decode(pending, found); // what is left, decoded here: most files are one small certificate
  }

  void add_block(Batch& b, std::string_view text, std::uint64_t order, std::uint32_t line, std::uint32_t number, Found& found) {
    b.blocks.push_back({order, line, number, b.text.size(), text.size()});
    b.text.append(text);
    if (b.text.size() >= k_batch_bytes) {
      // A big bundle: hand the batch to whichever thread is free, or decode it here.
      Batch full = std::move(b);
      b = Batch{full.source, {}, {}};
      if (!m_work.try_push_batch(std::move(full))) {
        decode(full, found);
        deliver(found);
      }
    }
  }

  void read_der(int fd, const FileJob& job, char* chunk, std::string& data, Batch& pending, Found& found) {
    // Checked after every read, the first included: a file that fits in one chunk obeys the
    // limit too, and at most one chunk more than the limit is ever held.
    const auto too_big = [&] {
      if (data.size() <= m_limits.max_der_file_bytes) {
        return false;
      }
      problem(job.order, job.path,
              fmt::format("{}: a DER file larger than {} bytes is not read", job.path, m_limits.max_der_file_bytes),
              Limit::file_size);
      return true;
    };
    if (too_big()) {
      return;
    }
    for (bool more = data.size() == m_limits.chunk_bytes; more;) {
      const std::size_t got = read_some(fd, job.path, chunk, m_limits.chunk_bytes);
      data.append(chunk, got);
      more = got == m_limits.chunk_bytes;
      if (too_big()) {
        return;
      }
    }
    std::string_view rest = data;
    std::uint32_t number = 0;
    while (!rest.empty()) {
      const std::size_t size = der_element_size(rest);
      if (size == 0) {
        if (number == 0) {
          no_certificate(job, fmt::format("{}: not a DER or PEM certificate", job.path));
        } else {
          problem(job.order + number + 1, job.path, fmt::format("{}: {} bytes after certificate {} are not DER", job.path, rest.size(), number));
        }
        return;
      }
      ++number;
      add_block(pending, rest.substr(0, size), job.order + number, 0, number, found);
      rest.remove_prefix(size);
    }
  }

  void read_pem(int fd, const FileJob& job, char* chunk, std::string& carry, Batch& pending, Found& found) {
    std::uint32_t line = 1;  // line number of carry[counted]
    std::size_t counted = 0; // carry[0, counted) has been counted into `line`
    std::uint32_t blocks = 0;
    bool eof = carry.size() < m_limits.chunk_bytes;
    const auto count_to = [&](std::size_t to) {
      line += static_cast<std::uint32_t>(std::count(carry.begin() + static_cast<std::ptrdiff_t>(counted),
                                                    carry.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
      counted = to;
    };
    for (;;) {
      std::size_t pos = 0;
      std::size_t keep = 0; // where the unprocessed tail starts
      for (;;) {
        const std::size_t b = carry.find(k_begin, pos);
        if (b == std::string::npos) {
          // Keep what could be the start of a BEGIN line cut by the chunk boundary.
          keep = carry.size() > k_begin.size() ? std::max(pos, carry.size() - (k_begin.size() - 1)) : pos;
          break;
        }
        count_to(b);
        const std::size_t e = carry.find(k_end, b + k_begin.size());
        // Where the END line starts at the earliest. Not found yet, it may still start in the
        // last k_end.size() - 1 bytes, cut by the read boundary: judging the block by
        // carry.size() called a block too long that one more read would have ended in time
        // (found by tests/fuzz/fuzz_scan.cpp).
        const std::size_t end_from = e != std::string::npos ? e
                                     : eof                  ? carry.size()
                                                            : carry.size() - std::min(carry.size(), k_end.size() - 1);
        const bool too_long = end_from > b && end_from - b > m_limits.max_block_bytes;
        if (e == std::string::npos && !too_long && !eof) {
          keep = b; // the rest of this block is in the next chunk
          break;
        }
        ++blocks;
        if (e == std::string::npos || too_long) {
          problem(job.order + blocks, job.path,
                  fmt::format("{}:{}: certificate block {}: {}", job.path, line, blocks,
                              too_long ? fmt::format("longer than {} bytes", m_limits.max_block_bytes)
                                       : std::string("no END CERTIFICATE line")),
                  too_long ? std::optional<Limit>(Limit::block_size) : std::nullopt);
          pos = b + k_begin.size();
          continue;
        }
        add_block(pending, std::string_view(carry).substr(b, e + k_end.size() - b), job.order + blocks, line, blocks, found);
        pos = e + k_end.size();
      }
      if (eof) {
        break;
      }
      count_to(std::max(counted, std::min(keep, carry.size())));
      carry.erase(0, counted);
      counted = 0;
      const std::size_t got = read_some(fd, job.path, chunk, m_limits.chunk_bytes);
      carry.append(chunk, got);
      eof = got < m_limits.chunk_bytes;
    }
    if (blocks == 0) {
      no_certificate(job, fmt::format("{}: no certificate found", job.path));
    }
  }

  void decode(const Batch& batch, Found& found) {
    for (const auto& block : batch.blocks) {
      const std::string_view text = std::string_view(batch.text).substr(block.offset, block.size);
      try {
        found.certificates.push_back({block.order, batch.source, read_certificate_summary(text, m_limits.sans)});
      } catch (const Error& e) {
        found.problems.emplace_back(block.order,
                                    SourceProblem{batch.source, block.line != 0
                                                                    ? fmt::format("{}:{}: certificate block {}: {}", batch.source,
                                                                                  block.line, block.number, e.message())
                                                                    : fmt::format("{}: DER certificate {}: {}", batch.source,
                                                                                  block.number, e.message()),
                                                  false, std::nullopt});
      }
    }
  }

  void deliver(Found& found) {
    if (found.certificates.empty() && found.problems.empty()) {
      return;
    }
    std::lock_guard lock(m_sink_mutex);
    for (auto& c : found.certificates) {
      m_sink.certificate(c.order, c.source, std::move(c.cert));
    }
    for (auto& [order, p] : found.problems) {
      m_sink.problem(order, std::move(p));
    }
    found.certificates.clear();
    found.problems.clear();
  }

  ScanSink& m_sink;
  ScanLimits m_limits;
  std::atomic<std::uint64_t> m_files_done{0};
  std::atomic<std::uint64_t> m_bytes{0};
  Work m_work;
  std::mutex m_sink_mutex;
  scan::Walk m_walk;           // stepped by one thread at a time (Work's Job::walk)
  std::vector<FileJob> m_group; // the walk's files not yet queued
};

} // namespace

std::uint64_t scan_paths(const std::vector<std::string>& paths, ScanSink& sink, const ScanLimits& limits,
                         std::uint64_t first_order, const std::function<void(const ScanProgress&)>& progress) {
  Scanner scanner(sink, limits, paths, first_order);
  const std::uint64_t next =
      scanner.run(limits.threads != 0 ? limits.threads : std::max(1U, std::thread::hardware_concurrency()), progress);
  if (progress) {
    progress(scanner.progress_now());
  }
  return next;
}

} // namespace certplan
