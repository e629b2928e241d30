#include "alert/process_ancestry.h"

#include <algorithm>
#include <functional>

namespace wsn {
namespace {

std::string_view get_string(const Event& e, FieldId id) {
  FieldView v;
  return e.get(id, v) && v.type == FieldType::kString ? v.s : std::string_view();
}

int64_t get_int(const Event& e, FieldId id) {
  FieldView v;
  if (!e.get(id, v)) return 0;
  if (v.type == FieldType::kInt) return v.i;
  if (v.type == FieldType::kUInt) return static_cast<int64_t>(v.u);
  return 0;
}

}  // namespace

bool ProcessAncestry::key_of(const Event& e, bool parent, std::string& out) {
  out.clear();
  const std::string_view entity =
      get_string(e, parent ? fields::kProcessParentEntityId : fields::kProcessEntityId);
  if (!entity.empty()) {
    out.append(entity);
    return true;
  }
  const int64_t pid = get_int(e, parent ? fields::kProcessParentPid : fields::kProcessPid);
  if (pid <= 0) return false;
  // '\x1f' cannot clash with an entity id in practice and keeps the two key spaces apart.
  out += '\x1f';
  out.append(get_string(e, fields::kHostName));
  out += '/';
  out += std::to_string(pid);
  return true;
}

uint32_t ProcessAncestry::find(std::string_view key, uint64_t hash) const {
  if (index_.empty()) return kEmpty;
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const uint32_t at = index_[i];
    if (at == kEmpty) return kEmpty;
    if (ring_[at].hash == hash && ring_[at].key == key) return at;
  }
}

void ProcessAncestry::index_insert(uint32_t entry) {
  size_t i = ring_[entry].hash & mask_;
  while (index_[i] != kEmpty) i = (i + 1) & mask_;
  index_[i] = entry;
}

// Backward-shift deletion: no tombstones, so probes stay short under constant churn.
void ProcessAncestry::index_erase(uint32_t entry) {
  size_t i = ring_[entry].hash & mask_;
  while (index_[i] != entry) i = (i + 1) & mask_;
  for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    const uint32_t at = index_[j];
    if (at == kEmpty) break;
    const size_t home = ring_[at].hash & mask_;
    if (((j - home) & mask_) >= ((j - i) & mask_)) {
      index_[i] = at;
      i = j;
    }
  }
  index_[i] = kEmpty;
}

ProcessAncestry::Entry& ProcessAncestry::upsert(const std::string& key) {
  const uint64_t hash = std::hash<std::string_view>{}(key);
  if (const uint32_t at = find(key, hash); at != kEmpty) return ring_[at];
  uint32_t at;
  if (!free_.empty()) {
    at = free_.back();
    free_.pop_back();
  } else if (ring_.size() < capacity_) {
    at = static_cast<uint32_t>(ring_.size());
    ring_.emplace_back();
    if (2 * ring_.size() > index_.size()) {  // grow: rebuild at twice the size
      index_.assign(std::max<size_t>(64, 2 * index_.size()), kEmpty);
      mask_ = index_.size() - 1;
      for (uint32_t k = 0; k < at; ++k) index_insert(k);
    }
  } else {
    at = static_cast<uint32_t>(oldest_);
    oldest_ = (oldest_ + 1) % capacity_;
    index_erase(at);
    ++evictions_;
  }
  Entry& e = ring_[at];
  e.key = key;  // reuses the buffers of the entry it replaces
  e.hash = hash;
  ++e.generation;
  e.exited = false;
  e.info.pid = 0;
  e.info.entity_id.clear();
  e.info.name.clear();
  e.info.executable.clear();
  e.info.command_line.clear();
  e.parent_key.clear();
  index_insert(at);
  return e;
}

namespace {

// event.type holds "end" (a process exit).
bool is_end(const Event& e) {
  FieldView v;
  if (!e.get(fields::kEventType, v)) return false;
  if (v.type == FieldType::kString) return v.s == "end";
  if (v.type != FieldType::kStringList) return false;
  for (uint32_t k = 0; k < v.list_count; ++k) {
    if (e.list_item(v, k) == "end") return true;
  }
  return false;
}

}  // namespace

void ProcessAncestry::note_exit(uint32_t entry) {
  Entry& x = ring_[entry];
  if (x.exited) return;
  x.exited = true;
  exited_.emplace_back(entry, x.generation);
  while (exited_.size() > max_exited_) {
    const auto [at, generation] = exited_.front();
    exited_.pop_front();
    Entry& old = ring_[at];
    if (old.generation != generation || !old.exited) continue;  // reused since
    index_erase(at);
    old.exited = false;
    ++old.generation;
    free_.push_back(at);
  }
}

void ProcessAncestry::observe(const Event& e) {
  if (capacity_ == 0 || e.category() != categories::kProcess) return;
  if (!key_of(e, false, key_)) return;
  const bool has_parent = key_of(e, true, parent_key_);
  // The parent first: the event describes it too, and the child's entry then points at it.
  if (has_parent && parent_key_ != key_) {
    Entry& p = upsert(parent_key_);
    const std::string_view name = get_string(e, fields::kProcessParentName);
    // The child's copy of its parent's fields may be older than the parent's own events: only
    // fill what is missing.
    if (p.info.pid == 0) p.info.pid = get_int(e, fields::kProcessParentPid);
    if (p.info.entity_id.empty()) p.info.entity_id = get_string(e, fields::kProcessParentEntityId);
    if (p.info.name.empty()) p.info.name = name;
    if (p.info.executable.empty()) {
      p.info.executable = get_string(e, fields::kProcessParentExecutable);
    }
    if (p.info.command_line.empty()) {
      p.info.command_line = get_string(e, fields::kProcessParentCommandLine);
    }
  }
  Entry& c = upsert(key_);
  c.info.pid = get_int(e, fields::kProcessPid);
  c.info.entity_id = get_string(e, fields::kProcessEntityId);
  if (auto v = get_string(e, fields::kProcessName); !v.empty()) c.info.name = v;
  if (auto v = get_string(e, fields::kProcessExecutable); !v.empty()) c.info.executable = v;
  if (auto v = get_string(e, fields::kProcessCommandLine); !v.empty()) c.info.command_line = v;
  if (has_parent && parent_key_ != key_) c.parent_key = parent_key_;
  if (max_exited_ >= capacity_) return;  // the table is small: ends need no special care
  if (is_end(e)) {
    note_exit(static_cast<uint32_t>(&c - ring_.data()));
  } else if (c.exited) {  // a pid-keyed entry reused by a new process: live again
    c.exited = false;
    ++c.generation;  // its pending exited_ record is stale now
  }
}

void ProcessAncestry::ancestors(const Event& e, size_t depth,
                                std::vector<AncestorInfo>& out) const {
  // `out` keeps its elements between alerts: copy-assigning into them reuses their strings'
  // capacity, where clear() and push_back would allocate every string of every ancestor.
  size_t n = 0;
  auto put = [&out, &n](const AncestorInfo& info) {
    if (n < out.size()) {
      out[n] = info;
    } else {
      out.push_back(info);
    }
    ++n;
  };
  walk_seen_.clear();
  if (depth > 0 && key_of(e, true, walk_key_)) {
    while (n < depth && !walk_key_.empty()) {
      const uint32_t at = find(walk_key_, std::hash<std::string_view>{}(walk_key_));
      if (at == kEmpty) {
        if (n == 0) {  // the event itself names its parent
          AncestorInfo p;
          p.pid = get_int(e, fields::kProcessParentPid);
          p.entity_id = get_string(e, fields::kProcessParentEntityId);
          p.name = get_string(e, fields::kProcessParentName);
          p.executable = get_string(e, fields::kProcessParentExecutable);
          p.command_line = get_string(e, fields::kProcessParentCommandLine);
          put(p);
        }
        break;
      }
      if (std::find(walk_seen_.begin(), walk_seen_.end(), at) != walk_seen_.end()) break;
      walk_seen_.push_back(at);
      put(ring_[at].info);
      walk_key_.assign(ring_[at].parent_key);
    }
  }
  out.resize(n);
}

}  // namespace wsn
