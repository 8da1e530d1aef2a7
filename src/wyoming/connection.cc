#include "wyoming/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace vox::wyoming {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// After a protocol error the error event is flushed, then the server stops
// sending and reads (and drops) what the client still sends for this long,
// so closing does not reset the connection before the client has read it.
constexpr std::chrono::seconds kLinger{1};
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, const SessionContext& context,
                       asio::thread_pool& pool, std::function<void()> on_close)
    : context_(context),
      config_(context.config),
      socket_(std::move(socket)),
      idle_timer_(socket_.get_executor()),
      write_timer_(socket_.get_executor()),
      pool_(pool),
      on_close_(std::move(on_close)),
      session_(
          context, [this](Event&& event) { return Send(std::move(event)); },
          [this] { return canceled_.load(std::memory_order_relaxed); }) {}

Connection::~Connection() {
  if (on_close_) on_close_();
}

void Connection::Start() {
  error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // audio chunks leave at once
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->ArmIdleTimer();
    self->ReadHeader();
  });
}

bool Connection::busy() const {
  std::lock_guard lock(mu_);
  return worker_running_ || !work_.empty() || out_bytes_ > 0;
}

void Connection::Close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
  }
  canceled_ = true;
  cv_.notify_all();
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    error_code ec;
    self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    self->socket_.close(ec);
    self->idle_timer_.cancel();
    self->write_timer_.cancel();
  });
}

void Connection::ArmIdleTimer() {
  idle_timer_.expires_after(config_.idle_timeout);
  idle_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec) return;  // re-armed or closed
    if (self->busy()) {
      self->ArmIdleTimer();  // waiting for its audio is not idling
      return;
    }
    spdlog::debug("wyoming: closing an idle connection");
    self->Close();
  });
}

void Connection::ReadHeader() {
  asio::async_read_until(
      socket_, asio::dynamic_buffer(inbuf_, config_.max_header_bytes + 1), '\n',
      [self = shared_from_this()](error_code ec, size_t n) {
        if (ec == asio::error::not_found) {
          self->ProtocolError({ErrorCode::kResourceExhausted,
                               "event header line over " +
                                   std::to_string(self->config_.max_header_bytes) + " bytes",
                               "header"});
          return;
        }
        if (ec) {  // the client went away (or Close()): stop its synthesis
          self->Close();
          return;
        }
        std::string line = self->inbuf_.substr(0, n - 1);
        self->inbuf_.erase(0, n);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
          self->ReadHeader();
          return;
        }
        HeaderLimits limits{self->config_.max_data_bytes(), self->config_.max_payload_bytes};
        auto header = ParseHeader(line, limits);
        if (!header) {
          if (header.error().code == ErrorCode::kResourceExhausted) {
            self->ProtocolError(header.error());  // the stream cannot be resynchronized
          } else if (self->Enqueue({{}, header.error(), false})) {
            self->ReadHeader();  // one bad line: the next one starts a new event
          } else {
            self->read_paused_ = true;
          }
          return;
        }
        self->ReadBody(std::move(*header));
      });
}

void Connection::ReadBody(EventHeader header) {
  const size_t need = header.data_length + header.payload_length;
  if (inbuf_.size() >= need) {
    std::string body = inbuf_.substr(0, need);
    inbuf_.erase(0, need);
    OnEvent(std::move(header), body);
    return;
  }
  asio::async_read(
      socket_, asio::dynamic_buffer(inbuf_), asio::transfer_exactly(need - inbuf_.size()),
      [self = shared_from_this(), header = std::move(header)](error_code ec, size_t) mutable {
        if (ec) {
          self->Close();
          return;
        }
        self->ReadBody(std::move(header));
      });
}

void Connection::OnEvent(EventHeader header, std::string_view body) {
  ArmIdleTimer();
  Work work;
  if (header.data_length > 0) {
    if (auto merged = MergeData(header, body.substr(0, header.data_length)); !merged) {
      work.error = merged.error();
    }
  }
  // A TTS server reads no payload (it was bounded, read and is dropped).
  work.event = Event{std::move(header.type), std::move(header.data), {}};
  if (Enqueue(std::move(work))) {
    ReadHeader();
  } else {
    read_paused_ = true;
  }
}

bool Connection::Enqueue(Work work) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  work_.push_back(std::move(work));
  if (!worker_running_) {
    worker_running_ = true;
    asio::post(pool_, [self = shared_from_this()] { self->RunSession(); });
  }
  return work_.size() < static_cast<size_t>(config_.max_queued_events);
}

void Connection::ProtocolError(Error error) {
  if (context_.metrics) context_.metrics->refused.With({"protocol"}).Inc();
  spdlog::info("wyoming: closing a connection: {}", error.ToString());
  Enqueue({{}, std::move(error), /*close_after=*/true});
  // No more reading: what follows cannot be framed.
}

void Connection::RunSession() {
  for (;;) {
    Work work;
    {
      std::lock_guard lock(mu_);
      if (work_.empty() || closed_) {
        worker_running_ = false;
        cv_.notify_all();
        return;
      }
      work = std::move(work_.front());
      work_.pop_front();
      if (read_paused_ && work_.size() < static_cast<size_t>(config_.max_queued_events) / 2 + 1) {
        asio::post(socket_.get_executor(), [self = shared_from_this()] {
          if (!self->read_paused_.exchange(false)) return;
          self->ReadHeader();
        });
      }
    }
    Status status =
        work.error ? Send(Session::ErrorEvent(*work.error)) : session_.Handle(work.event);
    if (status && work.close_after) {
      std::lock_guard lock(mu_);
      close_after_flush_ = true;
      work_.clear();  // nothing after a protocol error is handled
      if (out_bytes_ == 0)
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->StartWrite(); });
    }
    if (!status) Close();
  }
}

Status Connection::Send(Event&& event) {
  std::string bytes = Serialize(event);
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || out_bytes_ < config_.max_buffered_bytes; });
    if (closed_) return MakeError(ErrorCode::kCanceled, "the client disconnected");
    outq_ += bytes;
    out_bytes_ += bytes.size();
  }
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->StartWrite(); });
  return {};
}

void Connection::Drain() {
  socket_.async_read_some(asio::buffer(scratch_),
                          [self = shared_from_this()](error_code ec, size_t) {
                            if (ec) {
                              self->Close();
                              return;
                            }
                            self->Drain();
                          });
}

void Connection::StartWrite() {
  if (!writing_.empty()) return;
  bool linger = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    writing_.swap(outq_);
    linger = writing_.empty() && close_after_flush_;
  }
  if (linger) {
    // Everything is written: half-close, drain what the client still sends, close.
    error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    write_timer_.expires_after(kLinger);
    write_timer_.async_wait([self = shared_from_this()](error_code) { self->Close(); });
    Drain();
    return;
  }
  if (writing_.empty()) return;
  write_timer_.expires_after(config_.write_timeout);
  write_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec) return;
    spdlog::info("wyoming: closing a connection whose client stopped reading");
    self->Close();
  });
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](error_code ec, size_t) {
                      self->write_timer_.cancel();
                      if (ec) {
                        self->Close();
                        return;
                      }
                      {
                        std::lock_guard lock(self->mu_);
                        self->out_bytes_ -= self->writing_.size();
                      }
                      self->cv_.notify_all();
                      self->writing_.clear();
                      self->StartWrite();
                    });
}

}  // namespace vox::wyoming
