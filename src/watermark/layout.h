// The time-frequency grid that the embedder and the detector share.
//
// Frames hop 20 ms, an integer number of samples at every rate Vox produces
// (8000..48000 Hz, 22050 and 44100 included), with 40 ms windows: every rate
// gets the same 25 Hz bins and the same frame times, so a mark embedded at the
// engine's rate is read at the detector's 16 kHz without any drift. The mark
// lives in 300..3500 Hz: below 16 kHz resampling's and telephone codecs' cut-off,
// and where MP3 and Opus spend their bits on speech.
//
// Bins are grouped into bands and frames into tiles; a tile carries one chip of
// the keyed pattern. One cycle of tiles carries the whole payload plus sync tiles,
// and repeats for as long as the audio lasts.
#pragma once

namespace vox::watermark {

inline constexpr int kFramesPerSecond = 50;  // hop = rate / 50
inline constexpr int kLowBin = 12;           // 300 Hz at 25 Hz per bin
inline constexpr int kHighBin = 140;         // 3500 Hz (exclusive)
inline constexpr int kBinsPerBand = 4;
inline constexpr int kBands = (kHighBin - kLowBin) / kBinsPerBand;
inline constexpr int kFramesPerTile = 2;   // 40 ms
inline constexpr int kTilesPerCycle = 64;  // 2.56 s: a 5 s cut holds a cycle
inline constexpr int kFramesPerCycle = kFramesPerTile * kTilesPerCycle;
inline constexpr int kDetectRate = 16000;  // the detector's analysis rate

// Sample rates with a whole number of samples per hop (rate % 50 == 0) and
// room for the band (Nyquist above 3500 Hz).
inline bool SupportedRate(int rate) { return rate >= 8000 && rate % kFramesPerSecond == 0; }

}  // namespace vox::watermark
