#include "http/responder.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>

#include "http/connection.h"

namespace vox::http::internal {

ResponseSlot::~ResponseSlot() {
  if (!sent_.load(std::memory_order_acquire)) Post(Response{}, true);
}

bool ResponseSlot::Send(Response&& response) {
  if (sent_.exchange(true, std::memory_order_acq_rel)) return false;
  Post(std::move(response), false);
  return true;
}

void ResponseSlot::Post(Response&& response, bool dropped) {
  // dispatch: runs inline when already on the connection's strand (a handler responding
  // synchronously), else queues to it. Never blocks the caller.
  asio::dispatch(connection_->strand(),
                 [connection = connection_, seq = seq_, response = std::move(response),
                  dropped]() mutable { connection->Deliver(seq, std::move(response), dropped); });
}

GateSlot::~GateSlot() {
  if (!decided_.load(std::memory_order_acquire)) Post(std::nullopt, true);
}

void GateSlot::Decide(std::optional<Response> refusal) {
  if (decided_.exchange(true, std::memory_order_acq_rel)) {
    spdlog::warn("http: gate decided more than once; ignored");
    return;
  }
  Post(std::move(refusal), false);
}

void GateSlot::Post(std::optional<Response> refusal, bool dropped) {
  asio::dispatch(connection_->strand(), [connection = connection_, seq = seq_,
                                         refusal = std::move(refusal), dropped]() mutable {
    connection->OnGateDecision(seq, std::move(refusal), dropped);
  });
}

}  // namespace vox::http::internal

namespace vox::http {

Responder::Responder(std::shared_ptr<internal::ResponseSlot> slot) : slot_(std::move(slot)) {}

void Responder::operator()(Response response) const {
  if (!slot_ || !slot_->Send(std::move(response))) {
    spdlog::warn("http: Responder invoked more than once; response ignored");
  }
}

bool Responder::responded() const { return slot_ && slot_->sent(); }

}  // namespace vox::http
