// Decodes what a speech route answered into samples for the recognizer, in process where a
// decoder Vox links reads the format: containers (WAV, FLAC, MP3, Ogg/Opus) through
// audio::Decode (libsndfile, libmpg123), headerless s16le as it is, and G.711 by
// audio::DecodeG711 (libsndfile behind a WAV header). ADTS AAC is a raw codec stream that
// Vox's upload decoder refuses on purpose (decode.h), so the ffmpeg CLI decodes it.
#pragma once

#include <cstdint>
#include <string>

#include "audio/decode.h"
#include "audio/testing/ffmpeg_cli.h"

namespace vox::testing {

enum class SpeechEncoding { kContainer, kS16le, kUlaw, kAlaw, kAdts };

// Mono samples (16 kHz for containers; headerless audio keeps `rate`: the recognizer
// resamples what it is given).
inline Result<audio::PcmBuffer> DecodeSpeech(const std::string& bytes, SpeechEncoding encoding,
                                             int rate) {
  switch (encoding) {
    case SpeechEncoding::kS16le:
      return audio::DecodeRawPcm(bytes, rate);
    case SpeechEncoding::kUlaw:
      return audio::DecodeG711(bytes, audio::G711Law::kMu, rate);
    case SpeechEncoding::kAlaw:
      return audio::DecodeG711(bytes, audio::G711Law::kA, rate);
    case SpeechEncoding::kAdts:
      return audio::testing::DecodeWithFfmpeg(bytes);
    case SpeechEncoding::kContainer:
      break;
  }
  return audio::Decode(bytes, {.mix_to_mono = true, .output_sample_rate = 16000});
}

}  // namespace vox::testing
