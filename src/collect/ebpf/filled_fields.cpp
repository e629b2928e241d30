#include "collect/ebpf/filled_fields.h"

#include "collect/ebpf/defend_fields.h"
#include "collect/ebpf/host_identity.h"

namespace wsn::collect {

std::vector<FieldId> ebpf_filled_fields() {
  // Every fields::k... that record_decoder.cpp sets, then the host identity ebpf_source.cpp
  // reads once and the decoder copies into every event.
  std::vector<FieldId> out = {
      fields::kTimestamp,
      fields::kEventKind,
      fields::kEventCategory,
      fields::kEventType,
      fields::kEventAction,
      fields::kEventOutcome,
      fields::kProcessPid,
      fields::kProcessEntityId,
      fields::kProcessName,
      fields::kProcessExecutable,
      fields::kProcessCommandLine,
      fields::kProcessArgs,
      fields::kProcessArgsCount,
      fields::kProcessWorkingDirectory,
      fields::kProcessStart,
      fields::kProcessExitCode,
      fields::kProcessUserId,
      fields::kProcessUserName,
      fields::kProcessGroupId,
      fields::kProcessGroupName,
      fields::kProcessParentPid,
      fields::kProcessParentEntityId,
      fields::kProcessParentName,
      fields::kProcessParentExecutable,
      fields::kProcessParentCommandLine,
      fields::kProcessParentArgs,
      fields::kUserId,
      fields::kUserName,
      fields::kGroupId,
      fields::kGroupName,
      fields::kFilePath,
      fields::kFileName,
      fields::kFileExtension,
      fields::kFileDirectory,
      fields::kFileMode,
      fields::kFileOriginalPath,
      fields::kSourceIp,
      fields::kSourcePort,
      fields::kDestinationIp,
      fields::kDestinationPort,
      fields::kNetworkTransport,
      fields::kNetworkDirection,
      fields::kNetworkType,
      fields::kHostName,
      fields::kContainerId,
      fields::kFileUid,
      fields::kFileGid,
      fields::kFileOwner,
      fields::kFileGroup,
      fields::kProcessCapabilitiesEffective,
      fields::kProcessCapabilitiesPermitted,
      fields::kTargetProcessPid,
      fields::kTargetProcessEntityId,
      fields::kTargetProcessName,
      fields::kTargetProcessExecutable,
  };
  for (FieldId id : host_identity_fields()) out.push_back(id);
  for (FieldId id : defend_field_list()) out.push_back(id);
  return out;
}

}  // namespace wsn::collect
