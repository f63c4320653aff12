// Shared by the fuzz targets. Each target is a libFuzzer entry point; built with
// -Dfuzz=true (clang) it is a fuzzer, otherwise replay_main.cpp runs it over its seed corpus
// as an ordinary test, so every build (and the sanitizer build of .ci/run) checks the seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// An invariant broken: abort, which libFuzzer and the replay test both report with the input.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline void expect(bool ok, const char* what) {
  if (!ok) {
    fail(what);
  }
}

} // namespace fuzz
