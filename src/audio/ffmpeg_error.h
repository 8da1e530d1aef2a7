// Internal: libav's text for an error code, for messages (ffmpeg_decoder, ffmpeg_stream_encoder).
#pragma once

extern "C" {
#include <libavutil/error.h>
}

#include <string>

namespace vox::audio::internal {

inline std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}

}  // namespace vox::audio::internal
