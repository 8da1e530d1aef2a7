// Responder: the one-shot callback through which an asynchronous handler answers.
#pragma once

#include <memory>

#include "http/response.h"

namespace vox::http {

namespace internal {
class ResponseSlot;  // connection.h: carries the response back to the connection's strand
}

// Copyable and movable; invoke it once, from any thread (an io thread, a worker pool, a
// database callback). The response is posted to the connection's strand, so the caller never
// blocks on network I/O. Only the first invocation counts; later ones are ignored and logged.
// If every copy is destroyed without an invocation (a handler forgot, threw, or a job was
// dropped), the client gets 500 {"error":{"code":"internal",...}} instead of hanging.
// A Responder may outlive the server: invoking it after Stop() is harmless and does nothing.
class Responder {
 public:
  explicit Responder(std::shared_ptr<internal::ResponseSlot> slot);

  void operator()(Response response) const;
  // True once any copy has been invoked.
  bool responded() const;

 private:
  std::shared_ptr<internal::ResponseSlot> slot_;
};

}  // namespace vox::http
