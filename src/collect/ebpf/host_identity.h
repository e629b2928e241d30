// The host identity the live collector puts on every event (ECS host.*, as Elastic Defend and
// Beats report it): host.os.* from os-release(5) and uname(2), host.id from /etc/machine-id,
// host.hostname / host.architecture from uname(2).
//
// Read once when the source starts; the decoder then copies the kept strings into each event.
// A value that cannot be read is left out rather than set empty, so `host.id != null` means a
// real id. Only the live source uses this: replayed events keep the host fields they recorded.
//
// Thread safe: read_host_identity has no shared state.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/schema.h"

namespace wsn::collect {

struct HostField {
  FieldId id = kInvalidField;
  std::string value;
};

struct HostIdentityFiles {
  // os-release(5): the first of these that exists.
  std::vector<std::string> os_release = {"/etc/os-release", "/usr/lib/os-release"};
  std::string machine_id = "/etc/machine-id";
};

// KEY=VALUE lines of os-release(5): values unquoted ("..." or '...', with \ escapes inside
// double quotes); blank lines, comments and malformed lines skipped; the last assignment wins.
std::map<std::string, std::string, std::less<>> parse_os_release(std::string_view text);

// The machine id: the first line trimmed, when it is 32 hex digits (systemd writes
// "uninitialized" before first boot completes); empty otherwise.
std::string parse_machine_id(std::string_view text);

// ECS host.os.family from os-release ID and ID_LIKE ("debian", "redhat", "suse", ...).
std::string os_family(std::string_view id, std::string_view id_like);

// Every host field that could be read (host.name is not among them: the decoder sets the
// configured or system name itself), in a fixed order.
std::vector<HostField> read_host_identity(const HostIdentityFiles& files = {});

// The field ids read_host_identity may fill (for `wasm-sentinel fields`).
std::vector<FieldId> host_identity_fields();

}  // namespace wsn::collect
