// libFuzzer entry for WebSocket frames as the stream-input route reads them (target
// api_fuzz_ws_frames): a server-side websocket::stream set up as StreamInputSession sets
// it up (message limit, no auto-fragmenting) accepts a fixed upgrade request, then reads
// whatever the client sends (masked or not, fragmented, control frames, close) in reads
// of a size the input picks, and each whole message goes to ParseStreamInputMessage.
// Beast's frame parser is what faces the network here: the fuzzer checks it never lets a
// message over the limit through, never fails outside the WebSocket/Asio error
// categories, and that our parser takes any message it yields.
// Input layout: byte 0 picks the read size (1..32 bytes); the rest is the client's bytes
// after the handshake.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/elevenlabs/stream_input_messages.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// Small, so the fuzzer reaches it; the route's own is 256 KiB (StreamInputLimits).
constexpr size_t kMaxMessageBytes = 1024;

constexpr std::string_view kUpgrade =
    "GET /v1/text-to-speech/v/stream-input HTTP/1.1\r\n"
    "Host: localhost\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

// A read ends with a WebSocket protocol error (bad frame, message too big, closed) or the
// end of the stream; nothing else may come out of a stream that cannot fail.
bool Expected(const boost::system::error_code& ec) {
  const auto& category = ec.category();
  return category == websocket::make_error_code(websocket::error::closed).category() ||
         ec == asio::error::eof;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  asio::io_context ioc;
  beast::test::stream server(ioc), client(ioc);
  server.connect(client);  // what the server writes (handshake answer, pongs, close) goes there
  server.read_size(1 + data[0] % 32);
  server.append(beast::string_view(kUpgrade.data(), kUpgrade.size()));  // Boost's string_view
  server.append(beast::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  server.close_remote();  // the server reads end of stream after the input

  websocket::stream<beast::test::stream&> ws(server);
  ws.read_message_max(kMaxMessageBytes);
  ws.auto_fragment(false);
  boost::system::error_code ec;
  ws.accept(ec);
  if (ec) std::abort();  // the upgrade request is valid: the handshake must pass
  bool first = true;
  for (;;) {
    beast::flat_buffer message;
    ws.read(message, ec);
    if (ec) {
      if (!Expected(ec)) std::abort();
      break;
    }
    if (message.size() > kMaxMessageBytes) std::abort();
    const std::string_view text(static_cast<const char*>(message.data().data()), message.size());
    auto parsed = vox::api::elevenlabs::ParseStreamInputMessage(text, first);
    if (!parsed && parsed.error().code != vox::ErrorCode::kInvalidArgument) std::abort();
    first = false;
  }
  return 0;
}
