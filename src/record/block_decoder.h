// Decodes the records of one block of a binary log (log_format.h) into Events, through the
// reader's own FieldRegistry.
//
// Field definitions are resolved to the registry once per file and field number (names, never
// ids, are in the log): unknown names are registered with the logged type; a field whose
// registry type differs from the logged one is dropped from each event that holds it, counted
// here and in FieldRegistry::note_type_mismatch (as the JSON reader's type mismatches are).
//
// A record that does not decode (only a writer bug or crafted input can produce one: the block
// checksum passed) is reported as kMalformed with a reason; the records after it still decode.
//
// Not thread safe; one per reader. Decoding reuses the caller's Event: no allocation per field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "record/log_format.h"
#include "record/varint.h"
#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn::record {

class BlockDecoder {
 public:
  explicit BlockDecoder(FieldRegistry& registry);

  enum class Next : uint8_t { kEvent, kAlert, kNote, kMalformed, kEnd };

  // A new file: its field and category numbers start over.
  void reset_file();
  // `raw` (the decompressed payload) must stay valid while its records are read.
  void begin_block(std::string_view raw);
  // The next event, alert or note. kEvent fills `event` (cleared first); kAlert and kNote set
  // `payload` (a view into the block). Definitions are consumed on the way.
  Next next(Event& event, std::string_view& payload);

  const std::string& error() const { return error_; }  // why the last kMalformed
  uint64_t type_mismatches() const { return type_mismatches_; }
  // Fields dropped because the registry was full.
  uint64_t skipped_fields() const { return skipped_fields_; }

 private:
  struct FieldDef {
    std::string name;
    FieldId id = kInvalidField;
    FieldType type = FieldType::kString;  // as logged
    bool defined = false;
    bool usable = false;  // the registry's type is the logged one
  };
  bool define_field(ByteCursor& c);
  bool define_category(ByteCursor& c);
  bool decode_event(ByteCursor& c, Event& e);
  std::string_view get_string(ByteCursor& c);
  Next malformed(const char* why);

  FieldRegistry& registry_;
  ByteCursor block_{nullptr, 0};
  int64_t prev_time_ = 0;
  std::vector<FieldDef> fields_;
  std::vector<CategoryId> categories_;  // number -> id; kUnknown when undefined
  std::vector<std::string> category_names_;
  std::vector<std::string_view> strings_;  // this block's numbered literals
  std::vector<std::string_view> items_;    // scratch for string lists
  std::string error_;
  uint64_t type_mismatches_ = 0;
  uint64_t skipped_fields_ = 0;
};

}  // namespace wsn::record
