// ScratchArena: bump storage for strings produced while evaluating one event (concat, string()).
//
// Chunks are never moved, so views handed out stay valid until reset(). reset() keeps every
// chunk, so a warmed-up arena performs no heap allocation. Not thread safe (one per Matcher).
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace wsn::match {

class ScratchArena {
 public:
  static constexpr size_t kChunk = 16 * 1024;

  // Returns `n` writable bytes valid until reset().
  char* allocate(size_t n) {
    while (true) {
      if (cur_ < chunks_.size()) {
        Chunk& c = chunks_[cur_];
        if (c.size - used_ >= n) {
          char* p = c.data.get() + used_;
          used_ += n;
          return p;
        }
        ++cur_;
        used_ = 0;
        continue;
      }
      const size_t size = n > kChunk ? n : kChunk;
      chunks_.push_back(Chunk{std::unique_ptr<char[]>(new char[size]), size});
    }
  }

  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  void reset() {
    cur_ = 0;
    used_ = 0;
  }

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  std::vector<Chunk> chunks_;
  size_t cur_ = 0;
  size_t used_ = 0;
};

}  // namespace wsn::match
