// Builds the raw (uncompressed) payload of one block of a binary log: framed records, with the
// field and category definitions each block needs (log_format.h).
//
// Field numbers belong to the file: they are assigned on first use and kept until
// reset_file() (a new segment). Definitions are repeated once in each block that uses them, so
// every block decodes on its own. Events that hold the same fields in the same order share a
// shape (defined once per block), so an event stores only its values. Strings of 4..512 bytes are
// numbered per block and repeated ones become back-references (executables, user and host names
// repeat a lot).
//
// Not thread safe; owned by one LogWriter. No allocation per event once the buffers are warm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "record/log_format.h"
#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn::record {

class BlockEncoder {
 public:
  explicit BlockEncoder(const FieldRegistry& registry);

  void add_event(const Event& e);
  void add_alert(std::string_view json) { add_opaque(RecordKind::kAlert, json); }
  void add_note(std::string_view bytes) { add_opaque(RecordKind::kNote, bytes); }

  bool empty() const { return records_ == 0; }
  const std::string& raw() const { return raw_; }
  uint32_t records() const { return records_; }
  uint64_t events() const { return events_; }
  int64_t first_time() const { return first_time_; }
  int64_t last_time() const { return last_time_; }

  // Starts the next block of the same file (field numbers are kept).
  void reset_block();
  // Starts a new file: field and category numbers restart.
  void reset_file();

 private:
  void add_opaque(RecordKind kind, std::string_view bytes);
  void add_record(RecordKind kind, std::string_view payload);
  uint32_t field_number(FieldId id, FieldType type);
  uint32_t category_number(CategoryId c);
  void put_string(std::string& out, std::string_view s);

  const FieldRegistry& registry_;
  std::string raw_;
  std::string scratch_;  // the event being encoded
  uint32_t records_ = 0;
  uint64_t events_ = 0;
  int64_t first_time_ = 0;
  int64_t last_time_ = 0;
  int64_t prev_time_ = 0;
  uint32_t generation_ = 1;  // per block: stamps say "defined in this block"

  // File dictionary. by_id_[id] = field number + 1 (0 = none) for the type in id_type_[id];
  // the rare second type of an id lives in other_types_.
  std::vector<uint32_t> by_id_;
  std::vector<FieldType> id_type_;
  std::unordered_map<uint32_t, uint32_t> other_types_;
  std::vector<uint32_t> field_stamp_;  // per field number: generation that defined it
  std::vector<uint32_t> category_no_;  // CategoryId -> number (0 = none yet)
  std::vector<uint32_t> category_stamp_;
  uint32_t next_category_ = 1;
  // Block shapes: the varint field numbers of an event -> shape number.
  std::unordered_map<std::string, uint32_t> shapes_;
  std::string shape_key_;

  // Block string table: open addressing over `strings_` entries, stamped per generation.
  struct Slot {
    uint32_t generation = 0;
    uint32_t index = 0;
  };
  struct Entry {
    uint32_t offset;
    uint32_t length;
  };
  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::string arena_;
};

}  // namespace wsn::record
