#include "collect/ebpf/defend_fields.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace wsn::collect {
namespace {

FieldId must_find(const FieldRegistry& reg, const std::string& name) {
  const FieldId id = reg.find(name);
  if (id == kInvalidField) {
    // fields.def lost a row this file relies on: a build defect, caught by any test run.
    std::fprintf(stderr, "wasm-sentinel: built-in field %s is missing\n", name.c_str());
    std::abort();
  }
  return id;
}

RelativeFieldIds relative(const FieldRegistry& reg, const std::string& p) {
  RelativeFieldIds r{};
  r.args_count = must_find(reg, p + ".args_count");
  r.working_directory = must_find(reg, p + ".working_directory");
  r.start = must_find(reg, p + ".start");
  r.user_id = must_find(reg, p + ".user.id");
  r.user_name = must_find(reg, p + ".user.name");
  r.group_id = must_find(reg, p + ".group.id");
  r.group_name = must_find(reg, p + ".group.name");
  r.real_user_id = must_find(reg, p + ".real_user.id");
  r.real_group_id = must_find(reg, p + ".real_group.id");
  r.interactive = must_find(reg, p + ".interactive");
  return r;
}

LeaderFieldIds leader(const FieldRegistry& reg, const std::string& p) {
  LeaderFieldIds l{};
  l.pid = must_find(reg, p + ".pid");
  l.entity_id = must_find(reg, p + ".entity_id");
  l.name = must_find(reg, p + ".name");
  l.executable = must_find(reg, p + ".executable");
  l.args = must_find(reg, p + ".args");
  l.same_as_process = must_find(reg, p + ".same_as_process");
  l.rel = relative(reg, p);
  return l;
}

DefendFieldIds build() {
  const FieldRegistry reg;  // built-in ids are fixed by fields.def order: any registry agrees
  DefendFieldIds d{};
  d.real_user_id = must_find(reg, "process.real_user.id");
  d.real_user_name = must_find(reg, "process.real_user.name");
  d.real_group_id = must_find(reg, "process.real_group.id");
  d.real_group_name = must_find(reg, "process.real_group.name");
  d.saved_user_id = must_find(reg, "process.saved_user.id");
  d.saved_user_name = must_find(reg, "process.saved_user.name");
  d.saved_group_id = must_find(reg, "process.saved_group.id");
  d.saved_group_name = must_find(reg, "process.saved_group.name");
  d.interactive = must_find(reg, "process.interactive");
  d.tty_major = must_find(reg, "process.tty.char_device.major");
  d.tty_minor = must_find(reg, "process.tty.char_device.minor");
  d.env_vars = must_find(reg, "process.env_vars");
  d.parent = relative(reg, "process.parent");
  d.session_leader = leader(reg, "process.session_leader");
  d.group_leader = leader(reg, "process.group_leader");
  d.entry_leader = leader(reg, "process.entry_leader");
  d.entry_meta_type = must_find(reg, "process.entry_leader.entry_meta.type");
  d.original_path = must_find(reg, "file.Ext.original.path");
  d.original_name = must_find(reg, "file.Ext.original.name");
  d.original_extension = must_find(reg, "file.Ext.original.extension");
  d.load_module_name = must_find(reg, "process.Ext.load_module.name");
  d.user_real_id = must_find(reg, "user.Ext.real.id");
  d.user_real_name = must_find(reg, "user.Ext.real.name");
  d.group_real_id = must_find(reg, "group.Ext.real.id");
  d.group_real_name = must_find(reg, "group.Ext.real.name");
  d.dns_question_name = must_find(reg, "dns.question.name");
  d.dns_resolved_ip = must_find(reg, "dns.resolved_ip");
  d.dns_question_type = must_find(reg, "dns.question.type");
  d.dns_response_code = must_find(reg, "dns.response_code");
  d.network_protocol = must_find(reg, "network.protocol");
  return d;
}

void add_relative(std::vector<FieldId>& out, const RelativeFieldIds& r) {
  for (FieldId id : {r.args_count, r.working_directory, r.start, r.user_id, r.user_name, r.group_id,
                     r.group_name, r.real_user_id, r.real_group_id, r.interactive}) {
    out.push_back(id);
  }
}

void add_leader(std::vector<FieldId>& out, const LeaderFieldIds& l) {
  for (FieldId id : {l.pid, l.entity_id, l.name, l.executable, l.args, l.same_as_process}) {
    out.push_back(id);
  }
  add_relative(out, l.rel);
}

}  // namespace

const DefendFieldIds& defend_fields() {
  static const DefendFieldIds ids = build();
  return ids;
}

std::vector<FieldId> defend_field_list() {
  const DefendFieldIds& d = defend_fields();
  std::vector<FieldId> out = {
      d.real_user_id,      d.real_user_name,    d.real_group_id,     d.real_group_name,
      d.saved_user_id,     d.saved_user_name,   d.saved_group_id,    d.saved_group_name,
      d.interactive,       d.tty_major,         d.tty_minor,         d.env_vars,
      d.entry_meta_type,   d.original_path,     d.original_name,     d.original_extension,
      d.load_module_name,  d.user_real_id,      d.user_real_name,    d.group_real_id,
      d.group_real_name,   d.dns_question_name, d.dns_question_type, d.dns_resolved_ip,
      d.dns_response_code, d.network_protocol,
  };
  add_relative(out, d.parent);
  add_leader(out, d.session_leader);
  add_leader(out, d.group_leader);
  add_leader(out, d.entry_leader);
  return out;
}

}  // namespace wsn::collect
