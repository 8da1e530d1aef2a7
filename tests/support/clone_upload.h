// Helpers for tests that upload voices: speech of corpus speakers
// (voice/testing/test_corpus.h), encoded audio, hand-made WAV headers and
// multipart/form-data bodies as browsers and curl send them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audio/encode.h"
#include "audio/pcm_buffer.h"
#include "support/api_client.h"
#include "voice/consent.h"
#include "voice/testing/test_corpus.h"

namespace vox::testing {

// `speaker_id` reading `sentences`, one buffer (cached under the build tree).
inline audio::PcmBuffer Speak(const std::string& speaker_id,
                              const std::vector<std::string>& sentences) {
  auto pcm = voice::testing::SynthesizeAll(voice::testing::SpeakerById(speaker_id), sentences,
                                           voice::testing::DefaultCacheDir());
  EXPECT_TRUE(pcm) << pcm.error().ToString();
  return pcm ? *pcm : audio::PcmBuffer{};
}

inline std::string Encode(const audio::PcmBuffer& pcm, audio::Format format = audio::Format::kWav) {
  audio::EncodeOptions options;
  options.format = format;
  auto bytes = audio::Encode(pcm, options);
  EXPECT_TRUE(bytes) << bytes.error().ToString();
  return bytes ? *bytes : std::string();
}

// A 16-bit PCM WAV written by hand, for headers no encoder would write.
inline std::string RawWav(int channels, uint32_t rate, size_t frames) {
  auto le = [](uint32_t v, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
  };
  const uint32_t data_bytes = static_cast<uint32_t>(frames * channels * 2);
  std::string wav = "RIFF" + le(36 + data_bytes, 4) + "WAVEfmt " + le(16, 4) + le(1, 2) +
                    le(channels, 2) + le(rate, 4) + le(rate * channels * 2, 4) +
                    le(channels * 2, 2) + le(16, 2) + "data" + le(data_bytes, 4);
  for (size_t i = 0; i < frames * channels; ++i) {
    wav += le(static_cast<uint32_t>((i * 7919) % 20000), 2);
  }
  return wav;
}

struct Part {
  Part(std::string name, std::string content, std::string filename = {})
      : name(std::move(name)), content(std::move(content)), filename(std::move(filename)) {}
  std::string name;
  std::string content;
  std::string filename;  // empty: a text field
};

inline std::string Multipart(const std::vector<Part>& parts, const std::string& boundary) {
  std::string body;
  for (const auto& p : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) {
      body += "; filename=\"" + p.filename + "\"\r\nContent-Type: application/octet-stream";
    }
    body += "\r\n\r\n" + p.content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

// A consent the API accepts once: a fresh one-time challenge for `api`'s user (GET
// /v1/voice/consent-statement?name=…) and `speaker_id` reading the statement it returned
// (a new reading each time: the challenge's words are new).
struct ConsentReading {
  std::string challenge_id;
  std::string statement;
  std::string audio;  // encoded in the format asked for
};

inline ConsentReading ReadConsent(ApiClient& api, const std::string& speaker_id,
                                  const std::string& speaker_name,
                                  audio::Format format = audio::Format::kWav) {
  std::string query;
  for (char c : speaker_name) {
    if (c == ' ') {
      query += "%20";
    } else if (c == '\'') {
      query += "%27";
    } else {
      query += c;
    }
  }
  auto r = api.Call("GET", "/v1/voice/consent-statement?name=" + query);
  EXPECT_TRUE(r && r->status == 200) << (r ? r->body : r.error().ToString());
  if (!r || r->status != 200) return {};
  const auto body = r->JsonBody();
  ConsentReading out;
  out.challenge_id = body.value("challenge_id", "");
  out.statement = body.value("statement", "");
  EXPECT_FALSE(out.challenge_id.empty()) << r->body;
  out.audio = Encode(Speak(speaker_id, {out.statement}), format);
  return out;
}

// POSTs `parts` as multipart/form-data to `target`.
inline Result<http::ClientResponse> Upload(ApiClient& api, const std::string& target,
                                           const std::vector<Part>& parts) {
  const std::string boundary = "vox-test-boundary-7d9f";
  return api.Call("POST", target, Multipart(parts, boundary),
                  {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
}

}  // namespace vox::testing
