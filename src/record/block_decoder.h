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
  // What decoding a value needs, kept small and apart from the names (the hot loop reads it).
  struct Field {
    FieldId id = kInvalidField;
    FieldType type = FieldType::kString;  // as logged
    bool defined = false;
    bool usable = false;  // the registry's type is the logged one
  };
  struct FieldName {
    std::string name;
    FieldType type = FieldType::kString;
  };
  struct Shape {
    uint32_t begin = 0;  // into shape_fields_
    uint32_t count = 0;
    bool unique = true;  // no registry field twice: values can be added without a lookup
  };
  bool define_field(ByteCursor& c);
  bool define_category(ByteCursor& c);
  bool define_shape(ByteCursor& c);
  // The record's bytes, decoded with a cursor local to the call (kept in registers).
  bool decode_event(std::string_view body, Event& e);
  template <bool kAdd>
  bool decode_fields(ByteCursor& c, Event& e, const Field* fields, uint32_t count, int64_t t);
  [[gnu::always_inline]] inline std::string_view get_string(ByteCursor& c);
  Next malformed(const char* why);

  FieldRegistry& registry_;
  ByteCursor block_{nullptr, 0};
  int64_t prev_time_ = 0;
  std::vector<Field> fields_;  // by field number (per file)
  std::vector<FieldName> names_;
  std::vector<Shape> shapes_;        // by shape number (per block)
  std::vector<Field> shape_fields_;  // the fields of every shape, resolved when defined
  std::vector<uint32_t> id_stamp_;   // per FieldId: the shape definition that last used it
  uint32_t stamp_ = 0;
  std::vector<CategoryId> categories_;  // number -> id; kUnknown when undefined
  std::vector<std::string> category_names_;
  std::vector<std::string_view> strings_;  // this block's numbered literals
  std::vector<std::string_view> items_;    // scratch for string lists
  std::string error_;
  uint64_t type_mismatches_ = 0;
  uint64_t skipped_fields_ = 0;
};

}  // namespace wsn::record
