#include "record/file_header.h"

#include <cstring>

#include "record/crc32c.h"
#include "record/log_format.h"
#include "record/varint.h"

namespace wsn::record {
namespace {

Error invalid(std::string reason) {
  return Error{std::move(reason), 0, ErrorCode::kInvalid};
}

void put_entry(std::string& out, uint32_t tag, std::string_view value) {
  put_varint(out, tag);
  put_bytes(out, value);
}

void put_varint_entry(std::string& out, uint32_t tag, uint64_t v) {
  std::string tmp;
  put_varint(tmp, v);
  put_entry(out, tag, tmp);
}

uint64_t read_varint_value(std::string_view v) {
  ByteCursor c(v);
  const uint64_t x = c.varint();
  return c.ok() ? x : 0;
}

}  // namespace

uint64_t schema_hash(const FieldRegistry& registry) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (char ch : s) {
      h ^= static_cast<unsigned char>(ch);
      h *= 1099511628211ull;
    }
  };
  for (FieldId id = 0; id < fields::kBuiltinCount; ++id) {
    const FieldInfo& info = registry.info(id);
    mix(info.name);
    mix(":");
    mix(field_type_name(info.type));
    mix("\n");
  }
  return h;
}

bool has_file_magic(std::string_view data) {
  return data.size() >= sizeof(kFileMagic) &&
         std::memcmp(data.data(), kFileMagic, sizeof(kFileMagic)) == 0;
}

std::string encode_file_header(const FileHeader& h) {
  std::string body;
  put_varint_entry(body, kTagSchema, h.schema);
  put_entry(body, kTagBuildId, h.build_id);
  put_entry(body, kTagRuleSet, h.ruleset_hash);
  put_entry(body, kTagHost, h.host);
  put_varint_entry(body, kTagCreated, zigzag(h.created_ns));
  put_varint_entry(body, kTagRecording, h.recording);
  put_varint_entry(body, kTagSegment, h.segment);

  std::string out(kFileMagic, sizeof(kFileMagic));
  out.push_back(static_cast<char>(kFormatVersion & 0xFF));
  out.push_back(static_cast<char>(kFormatVersion >> 8));
  out.append(2, '\0');  // flags
  put_u32(out, static_cast<uint32_t>(body.size()));
  out += body;
  put_u32(out, crc32c(body.data(), body.size()));
  return out;
}

Result<FileHeader> decode_file_header(std::string_view data, size_t& consumed) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  if (data.empty()) return invalid("empty file");
  if (data.size() < sizeof(kFileMagic)) {
    // A prefix of the magic is a header cut short; anything else is another kind of file.
    return std::memcmp(data.data(), kFileMagic, data.size()) == 0
               ? invalid("truncated header")
               : invalid("not a wasm-sentinel binary log (bad magic)");
  }
  if (!has_file_magic(data)) return invalid("not a wasm-sentinel binary log (bad magic)");
  if (data.size() < kFileHeaderFixed) return invalid("truncated header");
  FileHeader h;
  h.version = static_cast<uint16_t>(p[8] | (p[9] << 8));
  if (h.version == 0 || h.version > kFormatVersion) {
    return invalid("format version " + std::to_string(h.version) +
                   " is newer than this build reads (" + std::to_string(kFormatVersion) + ")");
  }
  const uint32_t body_len = load_u32(p + 12);
  if (body_len > kMaxHeaderBody) {
    return invalid("header of " + std::to_string(body_len) + " bytes exceeds the limit");
  }
  if (data.size() < kFileHeaderFixed + body_len + 4) return invalid("truncated header");
  const std::string_view body = data.substr(kFileHeaderFixed, body_len);
  if (crc32c(body.data(), body.size()) != load_u32(p + kFileHeaderFixed + body_len)) {
    return invalid("header checksum mismatch");
  }
  ByteCursor c(body);
  while (!c.at_end()) {
    const uint64_t tag = c.varint();
    const uint64_t len = c.varint();
    const std::string_view v = c.bytes(len);
    if (!c.ok()) return invalid("malformed header");
    switch (tag) {
      case kTagSchema:
        h.schema = read_varint_value(v);
        break;
      case kTagBuildId:
        h.build_id = v;
        break;
      case kTagRuleSet:
        h.ruleset_hash = v;
        break;
      case kTagHost:
        h.host = v;
        break;
      case kTagCreated:
        h.created_ns = unzigzag(read_varint_value(v));
        break;
      case kTagRecording:
        h.recording = read_varint_value(v);
        break;
      case kTagSegment:
        h.segment = read_varint_value(v);
        break;
      default:
        break;  // a later version's entry
    }
  }
  consumed = kFileHeaderFixed + body_len + 4;
  return h;
}

}  // namespace wsn::record
