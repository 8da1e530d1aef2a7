#include "http/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>

#include "http/request_id.h"
#include "http/responder.h"
#include "http/url.h"

namespace vox::http::internal {
namespace bhttp = boost::beast::http;
namespace {

constexpr size_t kReadChunk = 4096;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool IsHttpError(const boost::beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

Connection::Connection(Transport stream, Strand strand, std::shared_ptr<ServerShared> shared)
    : stream_(std::move(stream)),
      strand_(std::move(strand)),
      timer_(strand_),
      shared_(std::move(shared)),
      config_(shared_->config) {
  boost::beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    auto address = endpoint.address();
    remote_ = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    remote_ += ":" + std::to_string(endpoint.port());
  }
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

Connection::~Connection() {
  ReleaseBody();
  if (auto& stream = response_.body().stream) stream->Cancel();
  if (phase_ != Phase::kClosed) shared_->Unregister(this);  // io_context torn down under us
}

void Connection::Start() {
  auto* tls = stream_.tls();
  if (tls == nullptr) return ReadNextRequest();
  // The handshake shares the first request's header deadline: a client that connects and
  // says nothing is closed just as on plain HTTP.
  phase_ = Phase::kHandshake;
  SetDeadline(config_.header_timeout);
  tls->async_handshake(asio::ssl::stream_base::server,
                       [self = shared_from_this()](error_code ec) { self->OnHandshake(ec); });
}

void Connection::OnHandshake(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    // A scanner, an old client (TLS 1.0/1.1), plain HTTP on the TLS port: nothing to answer.
    spdlog::debug("http: TLS handshake with {} failed: {}", remote_, ec.message());
    return Close();
  }
  ReadNextRequest();
}

void Connection::StartRejected() {
  started_ = Clock::now();
  request_.request_id = GenerateRequestId();
  Response r = JsonError(503, "unavailable", "server is at its connection limit");
  r.headers.Set("Retry-After", "1");
  SendCoreResponse(std::move(r), true);
}

void Connection::Drain() {
  draining_ = true;
  if (phase_ == Phase::kUpgraded) return StopUpgraded(false);
  // Nothing of a request received yet: nothing to finish.
  if (phase_ == Phase::kHandshake || phase_ == Phase::kIdle ||
      (phase_ == Phase::kHeader && buffer_.size() == 0)) {
    Close();
  }
}

void Connection::ForceClose() {
  if (phase_ == Phase::kUpgraded) return StopUpgraded(true);
  Close();
}

void Connection::ReadNextRequest() {
  if (draining_) return Close();
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(config_.max_header_bytes));
  // The route's limit is applied once the header is known. Not boost::none: Beast 1.74
  // compares Content-Length against the optional and treats none as smaller than any length.
  parser_->body_limit(std::numeric_limits<uint64_t>::max());
  request_.method.clear();
  request_.target.clear();
  request_.path.clear();
  // A large body's buffer goes back now, not when the keep-alive connection closes.
  if (request_.body.capacity() > kReadChunk * 16) {
    std::string().swap(request_.body);
  } else {
    request_.body.clear();
  }
  request_.spooled_body.reset();
  spool_parser_.reset();  // unmaps and closes a spooled upload's file
  spool_above_.reset();
  request_.query.clear();
  request_.path_params.clear();
  request_.headers.Clear();
  request_.request_id.clear();
  request_.route = {};
  ReleaseBody();
  handler_ = nullptr;
  bytes_in_ = bytes_out_ = 0;
  close_after_ = false;
  if (!first_request_ && buffer_.size() == 0) {
    // Between requests: the idle timeout applies until the first byte, then header_timeout.
    phase_ = Phase::kIdle;
    SetDeadline(config_.keep_alive_idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        [self = shared_from_this()](error_code ec, size_t n) { self->OnIdleRead(ec, n); });
    return;
  }
  phase_ = Phase::kHeader;
  SetDeadline(config_.header_timeout);
  ReadHeader();
}

void Connection::OnIdleRead(error_code ec, size_t n) {
  if (phase_ == Phase::kClosed) return;
  if (ec) return Close();  // idle timeout, EOF or reset: nothing to answer
  buffer_.commit(n);
  phase_ = Phase::kHeader;
  SetDeadline(config_.header_timeout);
  ReadHeader();
}

void Connection::ReadHeader() {
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  started_ = Clock::now();
  if (!ec) return HandleHeader();
  request_.request_id = GenerateRequestId();
  if (timed_out_) {
    if (buffer_.size() == 0) return Close();
    return SendCoreResponse(
        JsonError(408, "request_timeout", "request header not received in time"), true);
  }
  if (ec == bhttp::error::header_limit) {
    return SendCoreResponse(
        JsonError(431, "header_too_large",
                  "request header exceeds " + std::to_string(config_.max_header_bytes) + " bytes"),
        true);
  }
  if (ec == bhttp::error::bad_version) {  // Beast accepts exactly HTTP/1.0 and HTTP/1.1
    return SendCoreResponse(
        JsonError(505, "version_not_supported", "only HTTP/1.0 and HTTP/1.1 are supported"), true);
  }
  if (IsHttpError(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return SendCoreResponse(JsonError(400, "bad_request", "malformed request: " + ec.message()),
                            true);
  }
  Close();  // EOF, reset, or the client vanished mid-header
}

void Connection::HandleHeader() {
  const auto& msg = parser_->get();
  request_.method.assign(View(msg.method_string()));
  request_.target.assign(View(msg.target()));
  request_.version = msg.version();
  for (const auto& field : msg)
    request_.headers.Add(View(field.name_string()), View(field.value()));
  auto incoming_id = request_.headers.Get("X-Request-Id");
  if (incoming_id && IsValidRequestId(*incoming_id)) {
    request_.request_id.assign(*incoming_id);
  } else {
    request_.request_id = GenerateRequestId();
  }
  keep_alive_ = msg.keep_alive();
  body_pending_ = !parser_->is_done();
  const bool body_pending = body_pending_;

  auto te = request_.headers.Get("Transfer-Encoding");
  if (te && !EqualsIgnoreCase(Trim(*te), "chunked")) {
    return SendCoreResponse(
        JsonError(501, "not_implemented", "only chunked Transfer-Encoding is supported",
                  "Transfer-Encoding"),
        true);
  }
  TargetParts parts;
  if (!SplitTarget(request_.target, parts)) {
    return SendCoreResponse(JsonError(400, "bad_request", "invalid request target"), true);
  }
  request_.path.assign(parts.path);
  if (!ParseQuery(parts.query, request_.query)) {
    return SendCoreResponse(
        JsonError(400, "bad_request", "malformed percent-encoding in query", "query"),
        body_pending);
  }
  RouteMatch match = shared_->router.Match(request_.method, request_.path, request_.path_params);
  switch (match.kind) {
    case RouteMatch::Kind::kBadPath:
      return SendCoreResponse(
          JsonError(400, "bad_request", "malformed percent-encoding in path", "path"),
          body_pending);
    case RouteMatch::Kind::kNotFound:
      return SendCoreResponse(JsonError(404, "not_found", "no route matches this path"),
                              body_pending);
    case RouteMatch::Kind::kMethodNotAllowed: {
      request_.route = match.pattern;
      Response r = JsonError(405, "method_not_allowed",
                             "method " + request_.method + " is not allowed here");
      r.headers.Set("Allow", match.allow);
      return SendCoreResponse(std::move(r), body_pending);
    }
    case RouteMatch::Kind::kFound:
      break;
  }
  request_.route = match.pattern;
  handler_ = match.handler;
  const size_t limit = match.options->max_body_bytes.value_or(config_.max_body_bytes);
  auto content_length = parser_->content_length();
  if (content_length && *content_length > limit) {
    return SendCoreResponse(JsonError(413, "payload_too_large",
                                      "request body exceeds " + std::to_string(limit) + " bytes"),
                            true);
  }
  parser_->body_limit(limit);
  body_limit_ = limit;
  spool_above_ = match.options->spool_above_bytes;
  if (match.options->gate) return RunGate(match.options->gate);
  StartBody();
}

void Connection::RunGate(const Gate& gate) {
  phase_ = Phase::kGate;
  ClearDeadline();  // like a handler's time: a dropped decision ends it
  auto io = shared_->io.lock();
  if (!io) return Close();
  auto slot = std::make_shared<GateSlot>(std::move(io), shared_from_this(), ++seq_);
  try {
    gate(request_, [slot](std::optional<Response> refusal) { slot->Decide(std::move(refusal)); });
  } catch (const std::exception& e) {
    spdlog::error("http: gate for {} {} threw: {} (request {})", request_.method, request_.route,
                  e.what(), request_.request_id);
  }
}

void Connection::OnGateDecision(uint64_t seq, std::optional<Response> refusal, bool dropped) {
  if (seq != seq_ || phase_ != Phase::kGate) return;
  if (dropped) {
    spdlog::warn("http: gate for {} {} dropped its decision (request {})", request_.method,
                 request_.route, request_.request_id);
    refusal = JsonError(500, "internal", "request check did not complete");
  }
  // Refused: answer without reading the body; a pending body means the connection cannot
  // be reused (Linger drains a little so the client reads the answer, not a reset).
  if (refusal) return SendCoreResponse(std::move(*refusal), body_pending_);
  StartBody();
}

void Connection::StartBody() {
  if (body_pending_) {
    auto content_length = parser_->content_length();
    uint64_t want = content_length ? *content_length : body_limit_;
    // A large upload goes to disk: only what stays in memory counts against the budget.
    const bool spool = spool_above_ && want > *spool_above_;
    if (spool) want = *spool_above_;
    if (!shared_->ReserveBodyBytes(want)) {
      Response r = JsonError(503, "unavailable", "server is busy receiving other uploads");
      r.headers.Set("Retry-After", "1");
      return SendCoreResponse(std::move(r), true);
    }
    body_reserved_ = want;
    if (spool) {
      spool_parser_.emplace(std::move(*parser_), *spool_above_, config_.spool_dir);
      spool_parser_->body_limit(body_limit_);
    }
  }
  auto expect = request_.headers.Get("Expect");
  if (body_pending_ && request_.version >= 11 && expect &&
      EqualsIgnoreCase(Trim(*expect), "100-continue")) {
    phase_ = Phase::kContinue;
    SetDeadline(config_.write_timeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](error_code ec, size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec) return self->Close();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Connection::ReadBody() {
  phase_ = Phase::kBody;
  if (spool_parser_ ? spool_parser_->is_done() : parser_->is_done()) return Dispatch();
  SetDeadline(config_.body_timeout);
  auto done = [self = shared_from_this()](error_code ec, size_t) { self->OnBody(ec); };
  if (spool_parser_) {
    bhttp::async_read(stream_, buffer_, *spool_parser_, std::move(done));
  } else {
    bhttp::async_read(stream_, buffer_, *parser_, std::move(done));
  }
}

void Connection::OnBody(error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (!ec) return Dispatch();
  if (timed_out_) {
    return SendCoreResponse(JsonError(408, "request_timeout", "request body not received in time"),
                            true);
  }
  if (ec == bhttp::error::body_limit) {
    return SendCoreResponse(JsonError(413, "payload_too_large", "request body too large"), true);
  }
  if (spool_parser_ && !spool_parser_->get().body().error().empty()) {
    spdlog::error("http: {} (request {})", spool_parser_->get().body().error(),
                  request_.request_id);
    return SendCoreResponse(
        JsonError(503, "unavailable", "the server could not store the request body"), true);
  }
  if (IsHttpError(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return SendCoreResponse(
        JsonError(400, "bad_request", "malformed request body: " + ec.message()), true);
  }
  Close();
}

void Connection::Dispatch() {
  if (spool_parser_) {
    auto view = spool_parser_->get().body().View();
    if (!view) {
      spdlog::error("http: {} (request {})", view.error().message, request_.request_id);
      return SendCoreResponse(
          JsonError(503, "unavailable", "the server could not read back the request body"),
          !keep_alive_);
    }
    request_.spooled_body = *view;
    bytes_in_ = view->size();
  } else {
    request_.body = std::move(parser_->get().body());
    bytes_in_ = request_.body.size();
  }
  phase_ = Phase::kHandler;
  ClearDeadline();  // the handler's time is the handler's business; a dropped Responder ends it
  auto io = shared_->io.lock();
  if (!io) return Close();
  auto slot = std::make_shared<ResponseSlot>(std::move(io), shared_from_this(), ++seq_);
  try {
    (*handler_)(request_, Responder(std::move(slot)));
  } catch (const std::exception& e) {
    // The Responder died with the stack, so the client already has (or will get) a 500.
    spdlog::error("http: handler for {} {} threw: {} (request {})", request_.method, request_.route,
                  e.what(), request_.request_id);
  } catch (...) {
    spdlog::error("http: handler for {} {} threw (request {})", request_.method, request_.route,
                  request_.request_id);
  }
}

void Connection::Deliver(uint64_t seq, Response response, bool dropped) {
  if (seq != seq_ || phase_ != Phase::kHandler) {  // stale, or the connection is gone
    if (response.stream) response.stream->Cancel();
    return;
  }
  if (dropped) {
    spdlog::warn("http: handler for {} {} dropped its Responder (request {})", request_.method,
                 request_.route, request_.request_id);
    response = JsonError(500, "internal", "handler did not respond");
  }
  WriteResponse(std::move(response));
}

void Connection::SendCoreResponse(Response response, bool close) {
  close_after_ = close_after_ || close;
  WriteResponse(std::move(response));
}

void Connection::WriteResponse(Response&& response) {
  WireContext ctx;
  ctx.version = request_.method.empty() ? 11 : request_.version;
  ctx.head = request_.method == "HEAD";
  ctx.range_allowed = ctx.head || request_.method == "GET";
  if (ctx.range_allowed) {
    ctx.range = request_.headers.Get("Range");
    ctx.has_if_range = request_.headers.Has("If-Range");
  }
  ctx.request_id = request_.request_id;
  ctx.keep_alive = keep_alive_ && !close_after_ && !draining_ && !request_.method.empty();
  principal_ = std::move(response.log_principal);
  if (response.upgrade) return HandOver(std::move(response.upgrade));
  status_ = BuildWireResponse(std::move(response), ctx, response_);
  close_after_ = !ctx.keep_alive;
  serializer_.emplace(response_);
  phase_ = Phase::kWrite;
  if (response_.body().stream) return StartStream();
  WriteSome();
}

void Connection::WriteSome() {
  SetDeadline(config_.write_timeout);  // per write: a slow but moving download is fine
  stream_ready_ = false;
  bhttp::async_write_some(
      stream_, *serializer_,
      [self = shared_from_this()](error_code ec, size_t n) { self->OnWrite(ec, n); });
}

void Connection::OnWrite(error_code ec, size_t n) {
  if (phase_ == Phase::kClosed) return;
  bytes_out_ += n;
  if (ec == bhttp::error::need_buffer && streaming_) {
    if (stream_ready_) return WriteSome();  // it came while this write completed
    phase_ = Phase::kStreamWait;
    return ClearDeadline();
  }
  if (ec) {
    Report();
    return Close();
  }
  if (!serializer_->is_done()) return WriteSome();
  Report();
  if (watching_) {
    // The peer-watching read must end before the next request is read.
    after_watch_ = true;
    error_code ignored;
    stream_.socket().cancel(ignored);
    return;
  }
  AfterResponse();
}

void Connection::AfterResponse() {
  streaming_ = false;
  serializer_.reset();
  response_.body() = {};  // closes a served file now, not at the next response
  first_request_ = false;
  if (close_after_) return Linger();
  ReadNextRequest();
}

void Connection::Linger() {
  phase_ = Phase::kLinger;
  SetDeadline(config_.linger_timeout);
  auto* tls = stream_.tls();
  if (tls == nullptr) return LingerTcp();
  // close_notify first, so the client knows the response was not cut. The shutdown ends when
  // the client answers with its own (done) or with anything else — request bytes it sent
  // meanwhile, or EOF — after which the raw TCP bytes are drained as on plain HTTP.
  tls->async_shutdown([self = shared_from_this()](error_code ec) {
    if (self->phase_ == Phase::kClosed) return;
    if (!ec) return self->Close();
    self->LingerTcp();
  });
}

void Connection::LingerTcp() {
  error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  LingerRead();
}

void Connection::LingerRead() {
  buffer_.consume(buffer_.size());
  // The TCP layer even on TLS: after close_notify the bytes are only drained, never decrypted.
  stream_.socket().async_read_some(buffer_.prepare(kReadChunk),
                                   [self = shared_from_this()](error_code ec, size_t) {
                                     if (self->phase_ == Phase::kClosed) return;
                                     if (ec)
                                       return self->Close();  // EOF: the client has read it all
                                     self->LingerRead();
                                   });
}

void Connection::ReleaseBody() {
  if (body_reserved_ == 0) return;
  shared_->ReleaseBodyBytes(body_reserved_);
  body_reserved_ = 0;
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  // A producer still writing learns at once that nobody is reading.
  if (auto& stream = response_.body().stream) stream->Cancel();
  ReleaseBody();
  error_code ec;
  stream_.socket().close(ec);
  timer_.cancel();
  ++timer_generation_;
  timer_armed_ = false;
  shared_->Unregister(this);
}

void Connection::Report() {
  if (!shared_->observer) return;
  RequestLog log;
  log.method = request_.method.empty() ? std::string_view() : MethodLabel(request_.method);
  log.route = request_.route.empty() ? std::string_view("unmatched") : request_.route;
  log.status = status_;
  log.bytes_received = bytes_in_;
  log.bytes_sent = bytes_out_;
  log.duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  log.request_id = request_.request_id;
  log.remote_address = remote_;
  log.principal = principal_;
  try {
    shared_->observer(log);
  } catch (const std::exception& e) {
    spdlog::error("http: request observer threw: {}", e.what());
  } catch (...) {
    spdlog::error("http: request observer threw");
  }
}

}  // namespace vox::http::internal
