// Output audio formats: parsing from user input, names, MIME types, and what
// each codec accepts.
//
// Raw PCM (kPcm) is signed 16-bit little-endian, no header; the sample rate
// travels out of band (the content type carries it). Ogg/Opus only encodes at
// 8/12/16/24/48 kHz and MP3 only at the nine MPEG rates; the other formats take
// any rate in the supported output range (see resampler.h).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vox::audio {

enum class Format { kWav, kMp3, kOpus, kFlac, kPcm };

// Parses "wav", "mp3", "opus" (alias "ogg"), "flac", "pcm" (alias "raw"),
// case-insensitively. The error names field "format" and lists the choices.
Result<Format> ParseFormat(std::string_view text);

// Canonical lower-case name: "wav", "mp3", "opus", "flac", "pcm".
const char* FormatName(Format format);

// MIME type: "audio/wav", "audio/mpeg", "audio/ogg", "audio/flac",
// "audio/L16;rate=N" for raw PCM (N = sample_rate; only used for kPcm).
std::string ContentType(Format format, int sample_rate);

// File extension without the dot: "wav", "mp3", "opus", "flac", "pcm".
const char* FileExtension(Format format);

// True for formats whose decoded samples equal the encoded 16-bit samples.
bool IsLossless(Format format);

// The only sample rates the codec can encode, ascending; empty when any rate
// in the output range is fine.
std::span<const int> CodecSampleRates(Format format);

// The lowest codec rate at or above `rate` (so no bandwidth is lost), or the
// codec's top rate when `rate` is above it; `rate` itself when the codec takes
// any rate. 22050 -> 24000 for Opus, 44100 -> 48000 for Opus, 44100 for MP3.
int NearestCodecSampleRate(Format format, int rate);

}  // namespace vox::audio
