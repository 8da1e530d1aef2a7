// Decodes what a speech route answered into samples for the recognizer, in process where a
// decoder Vox links reads the format: containers (WAV, FLAC, MP3, Ogg/Opus) through
// audio::Decode (libsndfile, libmpg123), headerless s16le as it is, and G.711 by libsndfile
// behind a WAV header. ADTS AAC is a raw codec stream that Vox's upload decoder refuses on
// purpose (decode.h), so the ffmpeg CLI decodes it.
#pragma once

#include <cstdint>
#include <string>

#include "audio/decode.h"
#include "audio/testing/ffmpeg_cli.h"

namespace vox::testing {

enum class SpeechEncoding { kContainer, kS16le, kUlaw, kAlaw, kAdts };

// A canonical WAV header for 8-bit G.711 mono: format tag 7 (mu-law) or 6 (A-law).
inline std::string G711WavHeader(SpeechEncoding encoding, uint32_t rate, uint32_t data_bytes) {
  std::string h;
  auto le = [&h](uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) h.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  h += "RIFF";
  le(38 + data_bytes, 4);
  h += "WAVEfmt ";
  le(18, 4);
  le(encoding == SpeechEncoding::kUlaw ? 7 : 6, 2);
  le(1, 2);     // channels
  le(rate, 4);  // sample rate
  le(rate, 4);  // bytes per second
  le(1, 2);     // block align
  le(8, 2);     // bits per sample
  le(0, 2);     // no extension
  h += "data";
  le(data_bytes, 4);
  return h;
}

// Mono samples (16 kHz for containers; headerless audio keeps `rate`: the recognizer
// resamples what it is given).
inline Result<audio::PcmBuffer> DecodeSpeech(const std::string& bytes, SpeechEncoding encoding,
                                             int rate) {
  switch (encoding) {
    case SpeechEncoding::kS16le:
      return audio::DecodeRawPcm(bytes, rate);
    case SpeechEncoding::kUlaw:
    case SpeechEncoding::kAlaw:
      return audio::Decode(G711WavHeader(encoding, static_cast<uint32_t>(rate),
                                         static_cast<uint32_t>(bytes.size())) +
                           bytes);
    case SpeechEncoding::kAdts:
      return audio::testing::DecodeWithFfmpeg(bytes);
    case SpeechEncoding::kContainer:
      break;
  }
  return audio::Decode(bytes, {.mix_to_mono = true, .output_sample_rate = 16000});
}

}  // namespace vox::testing
