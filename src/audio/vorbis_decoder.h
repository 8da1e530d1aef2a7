// Internal: Ogg/Vorbis decoding through libvorbisfile directly.
//
// libsndfile 1.2.0 leaks about 6 KB (a vorbis_info) on every Ogg/Vorbis file
// it fails to open, which a stream of malformed uploads would turn into
// unbounded growth. libvorbisfile, used in its non-seeking mode, releases
// everything on failure (its seeking mode has a small leak of its own).
#pragma once

#include <string_view>

#include "audio/decode.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio::internal {

enum class OggCodec { kNone, kVorbis, kOpus, kOther };

// The codec of the first valid Ogg page, found the way libogg (and so
// libsndfile and libvorbisfile) finds it: pages with bad CRCs or junk before
// them are skipped, so the bytes at offset 0 are not enough to decide.
OggCodec ClassifyOgg(std::string_view bytes);

// Decodes an Ogg/Vorbis file image under the limits in `options`.
Result<PcmBuffer> DecodeVorbis(std::string_view bytes, const DecodeOptions& options);

}  // namespace vox::audio::internal
