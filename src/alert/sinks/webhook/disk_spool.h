// A first-in first-out queue of alert lines on disk, for the webhook sink: what cannot be
// delivered while the receiver is down waits here, survives a restart of the agent, and is
// delivered (oldest first) once the receiver is back.
//
// Layout in `dir`: segment files seg-<20-digit number>.jsonl (one alert JSON per line,
// numbered in queue order) and `head.ack` ("<segment> <records delivered>"), rewritten
// atomically after each delivered batch, so a restart skips what was already delivered. A line
// cut short by a crash is discarded at open. Files are created 0600.
//
// Thread safety: none (the webhook sink serializes access under its lock).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/result.h"

namespace wsn {

class DiskSpool {
 public:
  DiskSpool(std::string dir, uint64_t max_bytes, uint64_t segment_bytes = uint64_t{8} << 20);
  ~DiskSpool();
  DiskSpool(const DiskSpool&) = delete;
  DiskSpool& operator=(const DiskSpool&) = delete;

  // Creates the directory if needed and loads what an earlier run left.
  Status open();

  // Appends at the tail. Fails when the spool is full (max_bytes) or on I/O errors.
  Status append(std::string_view line);
  // Puts `lines` (in order) before everything queued: used at shutdown for alerts that were
  // older than the spool's content but still in memory.
  Status prepend(const std::vector<std::string>& lines);

  // Reads up to `n` lines from the head without removing them (at most one segment's worth).
  Status peek(size_t n, std::vector<std::string>& out);
  // Removes the first `n` lines (after a successful delivery of a peek()).
  Status pop(size_t n);

  uint64_t size() const { return records_; }  // lines queued
  bool empty() const { return records_ == 0; }
  uint64_t bytes() const { return bytes_; }
  const std::string& dir() const { return dir_; }

 private:
  struct Segment {
    uint64_t number;
    uint64_t records;  // lines in the file, delivered ones included
    uint64_t bytes;
  };
  std::string seg_path(uint64_t number) const;
  Status write_ack();
  Status open_tail_fd();
  void close_tail_fd();

  std::string dir_;
  uint64_t max_bytes_;
  uint64_t segment_bytes_;
  std::deque<Segment> segments_;  // head first
  uint64_t head_acked_ = 0;       // lines of the head segment already delivered
  uint64_t head_offset_ = 0;      // byte offset of the first undelivered line in the head
  uint64_t records_ = 0;          // undelivered lines in all segments
  uint64_t bytes_ = 0;            // bytes of all segment files
  int tail_fd_ = -1;
};

}  // namespace wsn
