// One-shot encoding of a whole buffer into a file image in memory.
//
// For long outputs use AudioFileWriter, which streams with bounded memory
// and produces the same bytes.
#pragma once

#include <string>

#include "audio/encode_options.h"
#include "audio/pcm_buffer.h"
#include "common/status.h"

namespace vox::audio {

// Encodes `pcm` as described by `options`: resample to OutputSampleRate(),
// then normalize loudness if asked, then encode. An empty buffer yields a
// valid file with no samples. Errors: invalid options (named field), a
// malformed buffer (field "audio"), or an encoder failure (internal).
Result<std::string> Encode(const PcmBuffer& pcm, const EncodeOptions& options);

// Checks that `pcm` is well formed for encoding: sample rate 1000..768000,
// 1..8 channels, whole frames.
Status ValidatePcm(const PcmBuffer& pcm);

}  // namespace vox::audio
