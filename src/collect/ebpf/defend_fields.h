// The Elastic Defend process fields the live collector fills beyond the identified core
// (include/wsn/fields.def): real / saved ids, terminal and interactivity, the parent's ids,
// and the session, group and entry leaders (process.session_leader.* …), as Elastic Defend
// for Linux defines them and Elastic's rules read them.
//
// They are ECS rows without a C++ identifier: their ids are resolved by name once, here.
//
// Thread safe: the table is built once (static local) and read-only afterwards.
#pragma once

#include <vector>

#include "wsn/schema.h"

namespace wsn::collect {

// What the collector reports of a related process (process.parent.*, process.*_leader.*)
// beyond its identity: <prefix>.args_count, .working_directory, .start, .user.*, .group.*,
// .real_user.id, .real_group.id, .interactive.
struct RelativeFieldIds {
  FieldId args_count, working_directory, start, user_id, user_name, group_id, group_name,
      real_user_id, real_group_id, interactive;
};

struct LeaderFieldIds {
  FieldId pid, entity_id, name, executable, args, same_as_process;
  RelativeFieldIds rel;
};

struct DefendFieldIds {
  FieldId real_user_id, real_user_name, real_group_id, real_group_name;
  FieldId saved_user_id, saved_user_name, saved_group_id, saved_group_name;
  FieldId interactive, tty_major, tty_minor, env_vars;
  RelativeFieldIds parent;
  LeaderFieldIds session_leader, group_leader, entry_leader;
  FieldId entry_meta_type;
  FieldId original_path, original_name, original_extension;  // file.Ext.original.* (renames)
  FieldId load_module_name;                                  // process.Ext.load_module.name
  // user.Ext.real.* / group.Ext.real.*: Elastic Defend's real ids beside the effective user.*
  FieldId user_real_id, user_real_name, group_real_id, group_real_name;
  FieldId dns_question_name, dns_question_type, dns_resolved_ip, dns_response_code;
  FieldId network_protocol;
};

const DefendFieldIds& defend_fields();

// Every id above (for the collector's filled-field list).
std::vector<FieldId> defend_field_list();

}  // namespace wsn::collect
