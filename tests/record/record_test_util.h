// Helpers for the binary log tests: a scratch directory, sample events and reading a log back.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "event/json_writer.h"
#include "record/log_reader.h"
#include "record/log_set.h"
#include "record/log_writer.h"
#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn::record::test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/wsn_record_XXXXXX";
    path_ = mkdtemp(tmpl) != nullptr ? tmpl : "/tmp/wsn_record_fallback";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A process/file/network event numbered `k`, with a few fields of each kind.
inline void make_event(FieldRegistry& reg, uint64_t k, Event& e) {
  e.clear();
  const int64_t t = 1'700'000'000'000'000'000 + static_cast<int64_t>(k) * 1'000'003;
  e.set_timestamp(fields::kTimestamp, t);
  static const char* kCats[] = {"process", "file", "network"};
  const char* cat = kCats[k % 3];
  const std::string_view cats[] = {cat};
  e.set_string_list(fields::kEventCategory, cats);
  e.set_category(reg.intern_category(cat));
  e.set_string(fields::kEventAction, k % 2 ? "exec" : "open");
  e.set_int(fields::kProcessPid, static_cast<int64_t>(1000 + k % 97));
  e.set_string(fields::kProcessExecutable, k % 5 ? "/usr/bin/curl" : "/bin/bash");
  e.set_string(fields::kProcessCommandLine, "curl -s http://example.test/" + std::to_string(k));
  const std::string_view args[] = {"curl", "-s", "http://example.test/"};
  e.set_string_list(fields::kProcessArgs, args);
  e.set_uint(fields::kEventSequence, k);
  e.set_timestamp(fields::kProcessStart, t - 5'000'000);
}

// Every record of a set, as text lines: events as JSON (with the category name), alerts and
// notes tagged.
inline std::vector<std::string> read_all(LogSetReader& r, FieldRegistry& reg) {
  std::vector<std::string> out;
  Event e;
  std::string_view payload;
  for (;;) {
    const auto n = r.next(e, payload);
    if (n == LogSetReader::Next::kEnd) break;
    switch (n) {
      case LogSetReader::Next::kEvent: {
        std::string s(reg.category_name(e.category()));
        s += ' ';
        write_event_json(e, reg, s);
        out.push_back(std::move(s));
        break;
      }
      case LogSetReader::Next::kAlert:
        out.push_back("alert " + std::string(payload));
        break;
      case LogSetReader::Next::kNote:
        out.push_back("note " + std::string(payload));
        break;
      case LogSetReader::Next::kMalformed:
        out.push_back("malformed " + r.error());
        break;
      default:
        out.push_back("error " + r.error());
        break;
    }
  }
  return out;
}

inline std::vector<std::string> read_all(LogReader& r, FieldRegistry& reg) {
  std::vector<std::string> out;
  Event e;
  std::string_view payload;
  for (;;) {
    const auto n = r.next(e, payload);
    if (n == LogReader::Next::kEnd || n == LogReader::Next::kError) break;
    if (n == LogReader::Next::kEvent) {
      std::string s(reg.category_name(e.category()));
      s += ' ';
      write_event_json(e, reg, s);
      out.push_back(std::move(s));
    } else if (n == LogReader::Next::kAlert) {
      out.push_back("alert " + std::string(payload));
    } else if (n == LogReader::Next::kNote) {
      out.push_back("note " + std::string(payload));
    }
  }
  return out;
}

inline std::string expected_line(FieldRegistry& reg, const Event& e) {
  std::string s(reg.category_name(e.category()));
  s += ' ';
  write_event_json(e, reg, s);
  return s;
}

}  // namespace wsn::record::test
