// Internal: MP3 decoding through libmpg123 directly.
//
// libsndfile can read MP3, but it leaves libmpg123 in its default chatty mode,
// which prints a line to stderr for every damaged frame: a hostile upload
// could flood the server log. Calling libmpg123 ourselves lets us set
// MPG123_QUIET and keep the same gapless decoding (LAME tag) libsndfile uses.
#pragma once

#include <string_view>

#include "audio/decode.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio::internal {

// Decodes an MP3 (MPEG-1/2/2.5 layer I-III, optional ID3v2) file image,
// enforcing the limits in `options` while decoding. Errors use field "audio".
Result<PcmBuffer> DecodeMp3(std::string_view bytes, const DecodeOptions& options);

}  // namespace vox::audio::internal
