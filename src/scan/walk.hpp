// The folder walk of `certplan expiry`'s scan, one step at a time: the sources as given, each
// folder depth first in sorted order. Whichever reader thread finds the queue of files short
// takes the next step, so the walk overlaps the reading and decoding without a thread of its
// own (issue 18: walked on the main thread beside every core's reader, it was 28 % of a
// 100,000-file tree's run). Not thread-safe: the scan lets one thread step at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace certplan::scan {

// Each file gets 2^32 orders: its blocks are numbered inside them, so that results decoded on
// any thread sort back into the order of the sources.
constexpr int k_order_shift = 32;

struct FileJob {
  std::uint64_t order;
  std::string path;
  bool regular = false; // met in a folder as a regular file: a short read is the end
};

// A folder that could not be read (fully): its order, the folder, the message.
using WalkProblem = std::function<void(std::uint64_t, const std::string&, std::string)>;

class Walk {
public:
  // Paths that are folders (symbolic links included) are walked; others are read as named.
  Walk(const std::vector<std::string>& paths, std::uint64_t first_order);

  // Appends the next files to `out` until it holds `want`, or until one folder has been
  // listed. False once the walk is over. Orders are handed out in walk order, so they are the
  // same every run whichever thread steps.
  bool step(std::vector<FileJob>& out, std::size_t want, const WalkProblem& problem);

  // The first order not handed out.
  std::uint64_t next_order() const { return m_next; }

private:
  struct Entry {
    std::string path;
    bool folder = false;
    bool regular = false;
  };
  struct Frame {
    std::vector<Entry> entries;
    std::size_t next = 0;
  };
  std::uint64_t take_order();
  // Lists `dir` sorted by name, without following links to folders (a link back up would loop).
  std::vector<Entry> list(const std::string& dir, const WalkProblem& problem);

  std::vector<Frame> m_stack;
  std::uint64_t m_next;
};

} // namespace certplan::scan
