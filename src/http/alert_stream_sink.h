// The alert sink that feeds the dashboard's live stream: added by `run`/`replay` when the HTTP
// endpoint is on. Not a configurable plug-in: it exists exactly when the endpoint does.
// write() runs on the detection thread and never waits on a browser (AlertStream::publish).
#pragma once

#include <memory>
#include <string_view>

#include "http/alert_stream.h"
#include "wsn/alert.h"

namespace wsn::http {

class AlertStreamSink final : public AlertSink {
 public:
  explicit AlertStreamSink(std::shared_ptr<AlertStream> stream) : stream_(std::move(stream)) {}
  std::string_view name() const override { return "dashboard"; }
  bool write(const Alert&, std::string_view json) override {
    stream_->publish(json);
    return true;
  }

 private:
  std::shared_ptr<AlertStream> stream_;
};

}  // namespace wsn::http
