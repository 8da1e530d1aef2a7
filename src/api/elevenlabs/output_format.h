// ElevenLabs' `output_format` query values mapped onto Vox's stream encoder.
//
//   mp3_<rate>_<kbps>  mp3_22050_32, mp3_24000_48, mp3_44100_32|64|96|128|192
//   pcm_<rate>         raw s16le mono; 8000, 16000, 22050, 24000, 32000, 44100, 48000
//   wav_<rate>         the same rates, with a WAV header
//   ulaw_8000, alaw_8000  G.711, raw
//   opus_48000_<kbps>  32, 64, 96, 128, 192 (Ogg/Opus)
// Default (no query): mp3_44100_128, as ElevenLabs'.
#pragma once

#include <string>
#include <string_view>

#include "audio/stream_encoder.h"
#include "common/status.h"

namespace vox::api::elevenlabs {

inline constexpr std::string_view kDefaultOutputFormat = "mp3_44100_128";

struct OutputFormat {
  audio::StreamEncoderOptions encode;
  std::string content_type;  // as ElevenLabs answers: audio/mpeg, audio/pcm, audio/wav, ...
};

// kInvalidArgument naming field "output_format" for anything else.
Result<OutputFormat> ParseOutputFormat(std::string_view value);

}  // namespace vox::api::elevenlabs
