// EbpfSource for builds without BPF support (no kernel BTF, bpftool, clang or libbpf when
// CMake ran): everything else in the product builds and runs; this source explains why it
// cannot.
#include "collect/ebpf/ebpf_source.h"

#ifndef WSN_EBPF_UNAVAILABLE_REASON
#define WSN_EBPF_UNAVAILABLE_REASON "disabled at configure time"
#endif

namespace wsn::collect {

struct EbpfSource::Impl {
  EbpfOptions opt;
};

EbpfSource::EbpfSource(EbpfOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
}
EbpfSource::~EbpfSource() = default;

Status EbpfSource::start() {
  return ebpf_available();
}
Status EbpfSource::run(EventWriter&) {
  return ebpf_available();
}
void EbpfSource::stop() {}
SourceStats EbpfSource::stats() const {
  return {};
}
EbpfStats EbpfSource::detailed_stats() const {
  return {};
}
std::vector<std::string> EbpfSource::attached_hooks() const {
  return {};
}
std::vector<std::string> EbpfSource::unavailable_hooks() const {
  return {};
}

Status EbpfSource::add_read_prefixes(const std::vector<std::string>&) {
  return ebpf_available();
}

Status ebpf_available() {
  return Error{"this build has no eBPF collector (" WSN_EBPF_UNAVAILABLE_REASON
               "); rebuild on a host with kernel BTF, bpftool, clang and libbpf",
               0, ErrorCode::kUnavailable};
}

}  // namespace wsn::collect
