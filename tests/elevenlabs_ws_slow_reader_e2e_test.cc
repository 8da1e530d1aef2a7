// A WebSocket client that sends text and never reads, against a real `vox serve` (ElevenLabs'
// stream-input, the only WebSocket route): the server buffers a bounded amount, closes the
// connection once a write has waited VOX_HTTP_WRITE_TIMEOUT_MS, stops the synthesis (the
// stream is recorded canceled, far short of the text), and keeps serving other clients
// meanwhile and after. The client is a raw socket, so nothing reads behind the test's back.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <thread>

#include "support/api_client.h"
#include "support/vox_process.h"

namespace vox::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kWriteTimeoutMs = 2000;

// One masked client text frame (RFC 6455 5.2).
std::string TextFrame(const std::string& payload) {
  std::string frame(1, static_cast<char>(0x81));  // FIN, text
  const size_t n = payload.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n <= 0xffff) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(n >> 8);
    frame += static_cast<char>(n & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((n >> shift) & 0xff);
  }
  std::mt19937 rng(7);
  char mask[4];
  for (char& m : mask) m = static_cast<char>(rng());
  frame.append(mask, 4);
  for (size_t i = 0; i < n; ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  return frame;
}

// The canceled job (the slow reader's stream; the other clients' end done), or null.
json CanceledJob(ApiClient& api) {
  auto jobs = api.Call("GET", "/v1/tts/jobs?limit=5");
  if (!jobs || jobs->status != 200) return nullptr;
  const json body = jobs->JsonBody();  // kept: the loop refers into it
  for (const json& job : body["jobs"]) {
    if (job.value("status", "") == "canceled") return job;
  }
  return nullptr;
}

// vox_streams_total of the stream-input route, outcome canceled.
double CanceledStreams(ApiClient& api) {
  auto metrics = api.Call("GET", "/metrics");
  double total = 0;
  std::istringstream in(metrics ? metrics->body : "");
  for (std::string l; std::getline(in, l);) {
    // The route label holds braces ("{voice_id}"): matched by its parts, the value last.
    if (l.starts_with("vox_streams_total{") && l.find("outcome=\"canceled\"") != l.npos &&
        l.find("/stream-input\"") != l.npos) {
      total += std::stod(l.substr(l.rfind(' ') + 1));
    }
  }
  return total;
}

// Another client gets its whole audio while (and after) the slow one is stuck.
void ExpectServedStream(ApiClient& api) {
  auto r = api.Call(
      "POST", "/v1/tts/stream",
      json{{"text", "Others are still served."}, {"voice_id", "flite-slt"}, {"format", "wav"}}
          .dump(),
      {{"Content-Type", "application/json"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_GT(r->body.size(), 10'000u);
}

TEST(ElevenLabsWebSocketSlowReader, BoundedThenClosedAndTheSynthesisStops) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--write-timeout-ms", std::to_string(kWriteTimeoutMs)});
  ASSERT_TRUE(server.Start()) << server.output();
  ApiClient api(server.port(), server.admin_key());

  auto conn = http::RawConnection::Connect("127.0.0.1", server.port());
  ASSERT_TRUE(conn) << conn.error().ToString();
  ASSERT_TRUE(
      conn->Send("GET /v1/text-to-speech/flite-slt/stream-input?output_format=pcm_16000 "
                 "HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\nxi-api-key: " +
                 server.admin_key() + "\r\n\r\n"));
  auto upgraded = conn->ReadResponse();
  ASSERT_TRUE(upgraded) << upgraded.error().ToString();
  ASSERT_EQ(upgraded->status, 101) << upgraded->body;

  // About ten minutes of speech (~9,600 characters), then the end of the input; the audio
  // (16 kHz PCM, base64 in JSON) would be ~26 MB on the wire.
  std::string text;
  for (int i = 0; i < 150; ++i) {
    text += "This is sentence number " + std::to_string(i) + " of a reading nobody hears. ";
  }
  ASSERT_TRUE(conn->Send(TextFrame(json{{"text", " "}}.dump())));
  ASSERT_TRUE(conn->Send(TextFrame(json{{"text", text}, {"flush", true}}.dump())));
  ASSERT_TRUE(conn->Send(TextFrame(json{{"text", ""}}.dump())));
  const auto sent_at = Clock::now();

  // Stuck on the slow reader, the server still serves others.
  ExpectServedStream(api);

  // Never read: once a write waited kWriteTimeoutMs the session ends, canceled.
  json job;
  while (job.is_null() && Clock::now() - sent_at < seconds(60)) {
    std::this_thread::sleep_for(milliseconds(100));
    job = CanceledJob(api);
  }
  ASSERT_FALSE(job.is_null()) << "the stream was not canceled";
  const double ended_after = std::chrono::duration<double>(Clock::now() - sent_at).count();
  EXPECT_LT(ended_after, 30.0);
  // Bounded: what the server took from the engine is what the socket buffers and the session's
  // 512 KiB hold, a few MB at most, not the ten minutes of audio the text asked for.
  EXPECT_LT(job["audio_bytes"].get<int64_t>(), 8 << 20) << job.dump();
  EXPECT_LT(job["duration_s"].get<double>(), 300.0) << job.dump();
  EXPECT_EQ(CanceledStreams(api), 1.0);

  // The connection was closed: reading now drains what was buffered, then the end.
  std::string received;
  EXPECT_TRUE(conn->WaitForClose(seconds(10), &received)) << "the server kept the socket open";
  EXPECT_LT(received.size(), size_t{8} << 20);

  // No stream thread stayed stuck: others are served, and the server stops promptly.
  ExpectServedStream(api);
  const auto stop_at = Clock::now();
  EXPECT_EQ(server.Terminate(), 0);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - stop_at).count(), 20.0);
}

}  // namespace
}  // namespace vox::testing
