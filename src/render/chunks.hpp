// Rendering on every core: the chunks are made apart, in any order, and written in order, so
// the output is the bytes one thread would write (issue 18: the tenants' records are most of
// a 233 MB plan, and 100,000 certificates most of an expiry report; writing either is a
// core's work by itself). One pool for both: expiry had a second one of its own.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace certplan {

// Tenants per chunk: large enough that handing chunks over costs nothing, small enough that
// the chunks held (a few per core) stay a few MB.
inline constexpr std::size_t k_tenants_per_chunk = 1000;
// Certificates per chunk of an expiry report: its JSON rows are about 1.5 KB each, so the
// chunks held stay near 200 KB each (edba71d: chunks of 128 rows kept a 100,000-certificate
// JSON at 19.5 MiB).
inline constexpr std::size_t k_certificates_per_chunk = 128;

// Calls render(from, to, text) for the chunks [from, to) of [0, count), `per_chunk` items
// each, on worker threads
// (`text` arrives empty; its capacity is reused) and write(text) for each chunk, in order, on
// this thread. At most a few chunks are held at once. An exception from either stops the
// others and is rethrown here. Without threads (or for one chunk) it all runs here.
void render_in_order(std::size_t count, const std::function<void(std::size_t, std::size_t, std::string&)>& render,
                     const std::function<void(std::string_view)>& write, std::size_t per_chunk = k_tenants_per_chunk);

// Calls work(from, to) for the chunks of [0, count), `per_chunk` items each, on the cores, in
// any order; returns when all are done (the first exception is rethrown).
void in_parallel(std::size_t count, const std::function<void(std::size_t, std::size_t)>& work,
                 std::size_t per_chunk = k_tenants_per_chunk);

} // namespace certplan
