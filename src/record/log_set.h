// Reads a whole recording: the segments of a (possibly rotated) binary log in order
// (rotation.h), as one stream of records. Each segment has its own header and field numbers.
//
// A segment that cannot be opened (a bad header, removed meanwhile) is reported as kError with
// the reason and skipped; the following segments are still read.
//
// Not thread safe; one per thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "record/log_reader.h"
#include "record/rotation.h"

namespace wsn::record {

class LogSetReader {
 public:
  // `path`: the base name of a recording (`rec.wsnlog` reads it and `rec.000001.wsnlog` ...)
  // or one numbered segment (read alone). Errors: no segment exists ("open PATH: No such file
  // or directory"), or the first segment's header is bad ("PATH: reason").
  static Result<std::unique_ptr<LogSetReader>> open(const std::string& path,
                                                    FieldRegistry& registry);

  using Next = LogReader::Next;
  // As LogReader::next; kError: a segment failed (error() says why), calling again goes on
  // with the next segment.
  Next next(Event& event, std::string_view& payload);

  const std::vector<Segment>& segments() const { return segments_; }
  // The header of the segment being read (the first one before any read).
  const FileHeader& header() const { return reader_->header(); }
  // Headers of the segments opened so far, in order.
  const std::vector<FileHeader>& headers() const { return headers_; }
  // Totals over the segments read so far, the current one included.
  ReadStats stats() const;
  const std::string& error() const { return error_; }

 private:
  LogSetReader(std::vector<Segment> segments, FieldRegistry& registry)
      : segments_(std::move(segments)), registry_(registry) {}

  std::vector<Segment> segments_;
  FieldRegistry& registry_;
  size_t current_ = 0;
  std::unique_ptr<LogReader> reader_;
  ReadStats done_;  // segments finished
  std::vector<FileHeader> headers_;
  std::string error_;
};

// True when `path` is a binary log: its name ends in .wsnlog, it starts with the file magic, or
// it does not exist and numbered segments of it do (retention removed segment 0). "-" (standard
// input) is never one: it is read as JSON lines.
bool is_binary_log(const std::string& path);

}  // namespace wsn::record
