#include "api/elevenlabs/stream_input_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <sstream>

#include "api/elevenlabs/elevenlabs_errors.h"
#include "api/elevenlabs/stream_input_text.h"
#include "http/websocket_transport.h"

namespace vox::api::elevenlabs {
namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
namespace bhttp = boost::beast::http;
using error_code = boost::system::error_code;

constexpr const char* kRoute = "/v1/text-to-speech/{voice_id}/stream-input";

// The pieces of text waiting for the stream's thread (StreamService::StartPieces).
class PieceQueue final : public TextSource {
 public:
  std::optional<std::string> Next() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !pieces_.empty() || ended_; });
    if (pieces_.empty()) return std::nullopt;
    std::string piece = std::move(pieces_.front());
    pieces_.pop_front();
    bytes_ -= piece.size();
    return piece;
  }
  void Failed(const Error& error) override {
    std::lock_guard lock(mu_);
    failure_ = SocketErrorFor(error);
  }
  void Push(std::string piece) {
    std::lock_guard lock(mu_);
    bytes_ += piece.size();
    pieces_.push_back(std::move(piece));
    cv_.notify_one();
  }
  // No more text: what is queued is still spoken, unless `drop`.
  void End(bool drop) {
    std::lock_guard lock(mu_);
    ended_ = true;
    if (drop) {
      pieces_.clear();
      bytes_ = 0;
    }
    cv_.notify_all();
  }
  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  std::optional<SocketError> failure() const {
    std::lock_guard lock(mu_);
    return failure_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> pieces_;
  size_t bytes_ = 0;
  bool ended_ = false;
  std::optional<SocketError> failure_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(const StreamInputDeps& deps, StreamInputCall call, http::Upgraded&& upgraded)
      : deps_(deps),
        call_(std::move(call)),
        ws_(std::move(upgraded.stream)),
        early_(std::move(upgraded.buffered)),
        lease_(std::move(upgraded.lease)),
        inactivity_(ws_.get_executor()),
        write_timer_(ws_.get_executor()),
        out_(std::make_shared<http::BodyStream>(deps.limits.max_buffered_audio_bytes,
                                                deps.limits.write_timeout)),
        queue_(std::make_shared<PieceQueue>()) {}

  ~Session() {
    out_->Cancel();  // the engine stops at its next check
    queue_->End(/*drop=*/true);
  }

  void Start() {
    lease_->OnStop([weak = weak_from_this()](bool force) {
      auto self = weak.lock();
      if (!self) return;
      if (force || !self->accepted_) return self->Gone();
      self->EndInput();
    });
    if (gone_) return;
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = deps_.limits.handshake_timeout;
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    ws_.read_message_max(deps_.limits.max_message_bytes);
    ws_.auto_fragment(false);
    request_.method_string(call_.method);
    request_.target(call_.target);
    request_.version(11);
    for (const auto& [name, value] : call_.headers) request_.insert(name, value);
    auto done = [self = shared_from_this()](error_code ec) { self->OnAccept(ec); };
    if (early_.empty()) return ws_.async_accept(request_, std::move(done));
    // Frames sent right behind the request: the handshake reads the request again from
    // these bytes and keeps what follows it for the first reads.
    std::ostringstream head;
    head << request_;
    early_.insert(0, head.str());
    ws_.async_accept(asio::buffer(early_), std::move(done));
  }

 private:
  void OnAccept(error_code ec) {
    if (ec) return Gone();  // Beast answered a bad handshake with 400 already
    accepted_ = true;
    ArmInactivity();
    if (call_.who) {
      if (!StartStream(*call_.who)) return;
    }
    Read();
  }

  void Read() {
    ws_.async_read(read_buf_,
                   [self = shared_from_this()](error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    if (gone_) return;
    // The client closed, vanished or broke the protocol (an oversized message: Beast has
    // sent close 1009): whatever is being made has no reader.
    if (ec) return Gone();
    std::string payload = boost::beast::buffers_to_string(read_buf_.data());
    read_buf_.consume(read_buf_.size());
    if (failing_) return Read();
    if (!ws_.got_text()) {
      return Fail({1003, "invalid_request", "binary frames are not accepted: send JSON text"});
    }
    if (input_ended_) return Read();  // after {"text":""}: nothing more is spoken
    auto message = ParseStreamInputMessage(payload, first_);
    if (!message) return Fail(SocketErrorFor(message.error()));
    ArmInactivity();
    if (first_) {
      first_ = false;
      speed_ = message->speed.value_or(1.0);
      // auto_mode has no schedule: every message is flushed (Handle).
      StreamInputTextOptions options;
      if (call_.query.auto_mode) {
        options.schedule.clear();
      } else if (message->chunk_length_schedule) {
        options.schedule = *message->chunk_length_schedule;
      }
      text_ = StreamInputText(std::move(options));
      // A blank first text only opens the stream (ElevenLabs' " ").
      if (message->text.find_first_not_of(" \t\r\n") == std::string::npos &&
          !message->text.empty()) {
        message->text.clear();
        message->flush = false;
        opening_ = true;
      }
      if (!call_.who) return Authenticate(std::move(*message));
    }
    Handle(*message);
    Read();
  }

  void Authenticate(StreamInputMessage message) {
    if (!message.authorization) {
      return Fail(SocketErrorFor(Error{ErrorCode::kUnauthenticated, "no key", ""}));
    }
    deps_.post([self = shared_from_this(), message = std::move(message)]() mutable {
      auto who = self->deps_.auth.Authorize(*message.authorization, Scope::kTtsWrite);
      auto executor = self->ws_.get_executor();
      asio::post(executor,
                 [self = std::move(self), who = std::move(who), message = std::move(message)] {
                   if (self->gone_ || self->failing_) return;
                   if (!who) return self->Fail(SocketErrorFor(who.error()));
                   if (!self->StartStream(*who)) return;
                   self->Handle(message);
                   self->Read();
                 });
    });
  }

  bool StartStream(const Principal& who) {
    int retry_after = 1;
    if (!deps_.limiter.Allow(who.key_id, &retry_after)) {
      Fail({1013, "rate_limited", "Too many requests; slow down."});
      return false;
    }
    StreamSpec spec;
    spec.voice_id = call_.voice_id;
    spec.language = call_.query.language_code;
    spec.speed = speed_;
    spec.encode = call_.query.format.encode;
    spec.route = kRoute;
    StreamFraming framing;
    framing.piece = [](const StreamPiece& piece) {
      return AudioMessage(piece.audio, piece.alignment, piece.normalized_alignment, piece.start_s);
    };
    framing.done = [](const StreamUsage&) { return FinalMessage(); };
    if (auto started =
            deps_.streams.StartPieces(who, spec, call_.request_id, queue_, framing, out_);
        !started) {
      Fail(SocketErrorFor(started.error()));
      return false;
    }
    Pump();
    return true;
  }

  // Text in: pieces go to the stream as the schedule, a sentence end, a flush or
  // try_trigger_generation triggers them (StreamInputText); the rest at the end.
  void Handle(const StreamInputMessage& message) {
    if (message.text.empty() && !opening_) return EndInput();
    opening_ = false;
    std::vector<std::string> pieces = text_.Add(message.text);
    std::vector<std::string> more;
    if (message.flush || call_.query.auto_mode) {
      more = text_.Flush();
    } else if (message.try_trigger_generation) {
      more = text_.TryTrigger();
    }
    for (std::string& piece : more) pieces.push_back(std::move(piece));
    for (std::string& piece : pieces) queue_->Push(std::move(piece));
    if (text_.buffered() + queue_->bytes() > deps_.limits.max_buffered_text_bytes) {
      Fail({1008, "buffer_full",
            "more than " + std::to_string(deps_.limits.max_buffered_text_bytes) +
                " bytes of text are waiting to be spoken; send less, or flush and wait"});
    }
  }

  // No more input (the client's {"text":""}, inactivity, the server stopping): what was
  // received is still spoken, then the final message and a normal close.
  void EndInput() {
    if (input_ended_ || gone_ || failing_) return;
    input_ended_ = true;
    inactivity_.cancel();
    for (std::string& piece : text_.Flush()) queue_->Push(std::move(piece));
    queue_->End(/*drop=*/false);
    if (!pumping_) {  // never authenticated: nothing will come out
      Fail({1008, "input_timeout", "no authenticated text arrived in time"});
    }
  }

  void ArmInactivity() {
    inactivity_.expires_after(call_.query.inactivity_timeout);
    inactivity_.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;  // re-armed or canceled
      if (auto self = weak.lock()) self->EndInput();
    });
  }

  // Audio out: one BodyStream piece per message, one write at a time.
  void Pump() {
    pumping_ = true;
    if (writing_ || closing_ || gone_) return;
    if (failing_) return SendFailure();
    std::string message;
    auto wake = [weak = weak_from_this(), executor = ws_.get_executor()] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->Pump();
      });
    };
    switch (out_->Pop(message, std::move(wake))) {
      case http::BodyStream::Next::kData:
        return Write(std::move(message), [](Session& self) { self.Pump(); });
      case http::BodyStream::Next::kWait:
        return;
      case http::BodyStream::Next::kEnd:
        return Close(websocket::close_code::normal, "");  // after {"isFinal":true}
      case http::BodyStream::Next::kAborted:
        return Fail(queue_->failure().value_or(
            SocketError{1011, "internal_error", "The server could not finish the audio."}));
    }
  }

  void Write(std::string message, void (*then)(Session&)) {
    writing_ = true;
    message_ = std::move(message);
    ArmWriteTimer();
    ws_.text(true);
    ws_.async_write(asio::buffer(message_),
                    [self = shared_from_this(), then](error_code ec, size_t) {
                      self->writing_ = false;
                      self->write_timer_.cancel();
                      if (ec || self->gone_) return self->Gone();
                      then(*self);
                    });
  }

  // A write the client does not take in time: it stopped reading. Nothing is waited for.
  void ArmWriteTimer() {
    write_timer_.expires_after(deps_.limits.write_timeout);
    write_timer_.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) {
        spdlog::info("stream-input {}: the client stopped reading; closed", self->call_.request_id);
        self->Gone();
      }
    });
  }

  // An error the client should read: its message, then a close with its code.
  void Fail(SocketError error) {
    if (failing_ || gone_) return;
    failing_ = true;
    failure_ = std::move(error);
    out_->Cancel();
    queue_->End(/*drop=*/true);
    inactivity_.cancel();
    if (!writing_) SendFailure();  // else after the write in flight
  }

  void SendFailure() {
    if (closing_) return;
    Write(failure_.Json(),
          [](Session& self) { self.Close(self.failure_.close_code, self.failure_.message); });
  }

  void Close(uint16_t code, std::string reason) {
    closing_ = true;
    if (reason.size() > 123) reason.resize(123);  // what a close frame holds
    ArmWriteTimer();
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    [self = shared_from_this()](error_code) {
                      self->write_timer_.cancel();
                      self->Gone();
                    });
  }

  // The end, however it came: the synthesis is canceled, the socket closed.
  void Gone() {
    if (gone_) return;
    gone_ = true;
    out_->Cancel();
    queue_->End(/*drop=*/true);
    error_code ignored;
    inactivity_.cancel();
    write_timer_.cancel();
    boost::beast::get_lowest_layer(ws_).close(ignored);
  }

  const StreamInputDeps& deps_;
  StreamInputCall call_;
  websocket::stream<http::Transport> ws_;
  std::string early_;
  std::unique_ptr<http::UpgradeLease> lease_;
  bhttp::request<bhttp::empty_body> request_;
  asio::steady_timer inactivity_;
  asio::steady_timer write_timer_;
  std::shared_ptr<http::BodyStream> out_;
  std::shared_ptr<PieceQueue> queue_;
  StreamInputText text_;
  boost::beast::flat_buffer read_buf_;
  std::string message_;  // the one being written
  SocketError failure_{};
  double speed_ = 1.0;
  bool accepted_ = false, first_ = true, opening_ = false, input_ended_ = false;
  bool pumping_ = false, writing_ = false, closing_ = false, failing_ = false, gone_ = false;
};

}  // namespace

void StartStreamInputSession(const StreamInputDeps& deps, StreamInputCall call,
                             http::Upgraded&& upgraded) {
  std::make_shared<Session>(deps, std::move(call), std::move(upgraded))->Start();
}

}  // namespace vox::api::elevenlabs
