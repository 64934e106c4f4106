#pragma once

// The one worker pool: independent jobs by index over a few threads, the
// calling thread included (layer writing, package unpacking, blob transfers).

#include <cstddef>
#include <functional>

namespace distill::support {

// Runs work(i) for every i in [0, count) on up to `threads` threads (0: the
// hardware's), each taking the next index not yet taken. Once a call returns
// false no new index is handed out (those running finish). Returns when
// every started call has returned; results go where `work` puts them, by
// index, so their order never depends on the threads.
void parallel_for(std::size_t count, unsigned threads, const std::function<bool(std::size_t)>& work);

} // namespace distill::support
