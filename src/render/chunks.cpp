#include "render/chunks.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace certplan {
namespace {

constexpr unsigned k_max_workers = 8;

unsigned workers_for(std::size_t chunks) {
  const unsigned cores = std::max(1U, std::min(std::thread::hardware_concurrency(), k_max_workers));
  return static_cast<unsigned>(std::min<std::size_t>(cores, chunks));
}

// Starts up to n threads running fn; fewer when the system has none to give.
std::vector<std::thread> start(unsigned n, const std::function<void()>& fn) {
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < n; ++i) {
    try {
      threads.emplace_back(fn);
    } catch (const std::system_error&) {
      break;
    }
  }
  return threads;
}

} // namespace

void render_in_order(std::size_t count, const std::function<void(std::size_t, std::size_t, std::string&)>& render,
                     const std::function<void(std::string_view)>& write, std::size_t per_chunk) {
  const std::size_t chunks = (count + per_chunk - 1) / per_chunk;
  const unsigned workers = workers_for(chunks);
  const auto range = [&](std::size_t c) {
    return std::pair{c * per_chunk, std::min(count, (c + 1) * per_chunk)};
  };
  // Every chunk made and written here, one after the other.
  const auto serial = [&] {
    std::string text;
    for (std::size_t c = 0; c < chunks; ++c) {
      text.clear();
      render(range(c).first, range(c).second, text);
      write(text);
    }
  };
  if (workers <= 1 || chunks <= 1) {
    serial();
    return;
  }
  // Chunk c is made in slot c % window once chunk c - window is written.
  const std::size_t window = 2 * static_cast<std::size_t>(workers);
  struct Slot {
    std::string text;
    bool ready = false;
  };
  std::vector<Slot> slots(window);
  std::mutex m;
  std::condition_variable changed;
  std::size_t next = 0;    // the next chunk to make
  std::size_t written = 0; // chunks written
  bool stop = false;
  std::exception_ptr error;

  const auto work = [&] {
    std::unique_lock lock(m);
    for (;;) {
      changed.wait(lock, [&] { return stop || next >= chunks || next < written + window; });
      if (stop || next >= chunks) {
        return;
      }
      const std::size_t c = next++;
      std::string text = std::move(slots[c % window].text);
      lock.unlock();
      text.clear();
      try {
        render(range(c).first, range(c).second, text);
      } catch (...) {
        lock.lock();
        if (!error) {
          error = std::current_exception();
        }
        stop = true;
        changed.notify_all();
        return;
      }
      lock.lock();
      slots[c % window].text = std::move(text);
      slots[c % window].ready = true;
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads = start(workers, work);
  const auto finish = [&] {
    {
      std::lock_guard lock(m);
      stop = true;
    }
    changed.notify_all();
    for (auto& t : threads) {
      t.join();
    }
  };
  if (threads.empty()) {
    finish();
    serial();
    return;
  }
  try {
    for (std::size_t c = 0; c < chunks; ++c) {
      std::string text;
      {
        std::unique_lock lock(m);
        changed.wait(lock, [&] { return stop || slots[c % window].ready; });
        if (!slots[c % window].ready) {
          break; // a worker failed
        }
        text = std::move(slots[c % window].text);
      }
      write(text);
      std::lock_guard lock(m);
      slots[c % window].text = std::move(text); // its capacity, for chunk c + window
      slots[c % window].ready = false;
      written = c + 1;
      changed.notify_all();
    }
  } catch (...) {
    finish();
    throw;
  }
  finish();
  if (error) {
    std::rethrow_exception(error);
  }
}

void in_parallel(std::size_t count, const std::function<void(std::size_t, std::size_t)>& work, std::size_t per_chunk) {
  const std::size_t chunks = (count + per_chunk - 1) / per_chunk;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex m;
  const auto run = [&] {
    for (std::size_t c = next++; c < chunks && !failed; c = next++) {
      try {
        work(c * per_chunk, std::min(count, (c + 1) * per_chunk));
      } catch (...) {
        std::lock_guard lock(m);
        if (!error) {
          error = std::current_exception();
        }
        failed = true;
      }
    }
  };
  const unsigned workers = workers_for(chunks);
  std::vector<std::thread> threads = workers > 1 ? start(workers - 1, run) : std::vector<std::thread>{};
  run();
  for (auto& t : threads) {
    t.join();
  }
  if (error) {
    std::rethrow_exception(error);
  }
}

} // namespace certplan
