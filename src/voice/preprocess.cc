#include "voice/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "audio/dsp.h"
#include "audio/loudness.h"
#include "audio/resampler.h"

namespace vox::voice {
namespace {

constexpr int kRate = PreprocessOptions::kSampleRate;
constexpr std::size_t kFrame = audio::kVadFrameSamples;  // 10 ms at 16 kHz
static_assert(audio::kVadSampleRate == kRate);
// Gaps up to this long (between words, stop closures) stay inside a phrase.
constexpr std::size_t kPhraseGapFrames = 20;  // 200 ms
// Shorter phrases are clicks, bumps or the detector's start-up guess (it
// calls the first ~80 ms of a noisy recording speech before it has adapted);
// a real isolated word lasts longer.
constexpr std::size_t kMinPhraseFrames = 20;  // 200 ms
constexpr float kClipLevel = 0.99f;
// The noise floor is the mean power of the quietest 10% of frames: pauses
// in a recording that has them, gaps between words in one that does not.
// (The detector's non-speech frames are no good for this: in loud noise it
// calls nearly everything speech.)
constexpr double kNoiseQuantile = 0.10;
// Frames below -90 dBFS are digital silence (padding, a muted input), not the
// recording's noise; they would make any recording look noise-free.
constexpr double kDigitalSilencePower = 1e-9;
constexpr double kSnrCapDb = 100.0;
constexpr float kSilencePeak = 1e-4f;           // -80 dBFS: nothing was recorded
constexpr std::size_t kCrossfadeSamples = 160;  // 10 ms at every cut

std::unexpected<Error> Unprocessable(const std::string& message) {
  return MakeError(ErrorCode::kUnprocessable, message, "files");
}

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

struct Phrase {
  std::size_t begin = 0;  // frames of 10 ms
  std::size_t end = 0;
};

// One recording after analysis.
struct Recording {
  audio::PcmBuffer pcm;             // mono, 16 kHz
  std::vector<double> frame_power;  // mean square per 10 ms frame
  std::vector<Phrase> phrases;
  std::size_t clipped_samples = 0;  // original samples at or above kClipLevel, inside phrases
  std::size_t speech_samples = 0;   // original samples inside phrases
};

std::vector<Phrase> FindPhrases(const std::vector<bool>& speech) {
  std::vector<Phrase> runs;
  for (std::size_t i = 0; i < speech.size();) {
    if (!speech[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < speech.size() && speech[j]) ++j;
    if (!runs.empty() && i - runs.back().end <= kPhraseGapFrames) {
      runs.back().end = j;
    } else {
      runs.push_back({i, j});
    }
    i = j;
  }
  std::erase_if(runs, [](const Phrase& p) { return p.end - p.begin < kMinPhraseFrames; });
  return runs;
}

// Counts clipped samples of the original recording within the phrases (10 ms
// frame k covers original frames [k * rate / 100, (k + 1) * rate / 100)).
void CountClipping(const audio::PcmBuffer& original, Recording& rec) {
  const std::size_t frames = original.frames();
  const auto channels = static_cast<std::size_t>(original.channels);
  for (const Phrase& p : rec.phrases) {
    const auto first = std::min(
        frames, static_cast<std::size_t>(std::llround(p.begin * original.sample_rate / 100.0)));
    const auto last = std::min(
        frames, static_cast<std::size_t>(std::llround(p.end * original.sample_rate / 100.0)));
    for (std::size_t i = first * channels; i < last * channels; ++i) {
      if (std::abs(original.samples[i]) >= kClipLevel) ++rec.clipped_samples;
    }
    rec.speech_samples += (last - first) * channels;
  }
}

Result<Recording> Analyze(const audio::PcmBuffer& original, audio::VadAggressiveness vad) {
  Recording rec;
  VOX_ASSIGN_OR_RETURN(rec.pcm, audio::Resample(audio::ToMono(original), kRate));
  // ToMono and soxr pass NaN through; the decoders never produce it, but a
  // caller's buffer might, and it would poison every measurement below.
  for (float& s : rec.pcm.samples) s = std::isfinite(s) ? s : 0.0f;
  VOX_ASSIGN_OR_RETURN(std::vector<bool> speech, audio::DetectVoiceActivity(rec.pcm, vad));
  rec.phrases = FindPhrases(speech);
  const std::size_t n = rec.pcm.samples.size();
  for (std::size_t start = 0; start < n; start += kFrame) {
    const std::size_t end = std::min(n, start + kFrame);
    double sum = 0;
    for (std::size_t i = start; i < end; ++i)
      sum += double{rec.pcm.samples[i]} * rec.pcm.samples[i];
    rec.frame_power.push_back(sum / static_cast<double>(end - start));
  }
  CountClipping(original, rec);
  return rec;
}

double EstimateSnrDb(const std::vector<Recording>& recs) {
  double speech_sum = 0;
  std::size_t speech_frames = 0;
  std::vector<double> candidates;
  for (const Recording& rec : recs) {
    for (const Phrase& p : rec.phrases) {
      for (std::size_t k = p.begin; k < p.end && k < rec.frame_power.size(); ++k) {
        speech_sum += rec.frame_power[k];
        ++speech_frames;
      }
    }
    for (double power : rec.frame_power) {
      if (power >= kDigitalSilencePower) candidates.push_back(power);
    }
  }
  if (speech_frames == 0 || candidates.empty()) return kSnrCapDb;
  const std::size_t quiet = std::max<std::size_t>(
      1, static_cast<std::size_t>(kNoiseQuantile * static_cast<double>(candidates.size())));
  std::nth_element(candidates.begin(), candidates.begin() + (quiet - 1), candidates.end());
  double noise = 0;
  for (std::size_t i = 0; i < quiet; ++i) noise += candidates[i];
  noise /= static_cast<double>(quiet);
  const double speech = speech_sum / static_cast<double>(speech_frames);
  const double snr = 10.0 * std::log10(std::max(speech - noise, 1e-20) / noise);
  return std::clamp(snr, -kSnrCapDb, kSnrCapDb);
}

// Appends src[begin, end) to out; after a cut, the first 10 ms are crossfaded
// with the last 10 ms already there, so a jump in background noise never clicks.
void Append(const std::vector<float>& src, std::size_t begin, std::size_t end, bool after_cut,
            std::vector<float>& out) {
  if (begin >= end) return;
  std::size_t fade = 0;
  if (after_cut) fade = std::min({kCrossfadeSamples, out.size(), end - begin});
  const std::size_t base = out.size() - fade;
  for (std::size_t i = 0; i < fade; ++i) {
    const float w = (static_cast<float>(i) + 0.5f) / static_cast<float>(fade);
    out[base + i] = out[base + i] * (1.0f - w) + src[begin + i] * w;
  }
  out.insert(out.end(), src.begin() + static_cast<std::ptrdiff_t>(begin + fade),
             src.begin() + static_cast<std::ptrdiff_t>(end));
}

// Keeps each recording's phrases with a margin at both ends and pauses
// shortened to max_pause_seconds (half of it kept after one phrase, half
// before the next).
std::vector<float> Assemble(const std::vector<Recording>& recs, const PreprocessOptions& options) {
  const auto margin = static_cast<std::size_t>(options.margin_seconds * kRate);
  const auto max_pause = static_cast<std::size_t>(options.max_pause_seconds * kRate);
  std::vector<float> out;
  for (const Recording& rec : recs) {
    if (rec.phrases.empty()) continue;
    const std::vector<float>& s = rec.pcm.samples;
    const std::size_t n = s.size();
    auto at = [&](std::size_t frame) { return std::min(n, frame * kFrame); };
    std::size_t begin = at(rec.phrases.front().begin);
    begin = begin > margin ? begin - margin : 0;
    bool cut = !out.empty();  // recordings are joined like a cut pause
    for (std::size_t i = 0; i + 1 < rec.phrases.size(); ++i) {
      const std::size_t end = at(rec.phrases[i].end);
      const std::size_t next = at(rec.phrases[i + 1].begin);
      if (next - end <= max_pause) continue;  // a natural pause: keep it whole
      Append(s, begin, end + max_pause / 2, cut, out);
      begin = next - (max_pause - max_pause / 2);
      cut = true;
    }
    Append(s, begin, std::min(n, at(rec.phrases.back().end) + margin), cut, out);
  }
  return out;
}

}  // namespace

PreprocessOptions PreprocessOptions::ForConsent() {
  PreprocessOptions o;
  o.min_speech_seconds = 2.0;
  o.max_input_seconds = 60.0;
  o.min_snr_db = 10.0;
  return o;
}

Status PreprocessOptions::Validate() const {
  auto range = [](double v, double lo, double hi, const char* field) -> Status {
    if (std::isfinite(v) && v >= lo && v <= hi) return {};
    return InvalidArgument(std::string(field) + " must be in " + Fixed(lo, 3) + ".." +
                               Fixed(hi, 3) + ", got " + Fixed(v, 3),
                           field);
  };
  VOX_RETURN_IF_ERROR(range(min_speech_seconds, 0.5, 3600, "min_speech_seconds"));
  VOX_RETURN_IF_ERROR(range(max_input_seconds, 1, 3600, "max_input_seconds"));
  VOX_RETURN_IF_ERROR(range(max_clipping_fraction, 0, 1, "max_clipping_fraction"));
  VOX_RETURN_IF_ERROR(range(min_snr_db, -100, 100, "min_snr_db"));
  VOX_RETURN_IF_ERROR(range(max_pause_seconds, 0.05, 10, "max_pause_seconds"));
  VOX_RETURN_IF_ERROR(range(margin_seconds, 0, 2, "margin_seconds"));
  VOX_RETURN_IF_ERROR(audio::ValidateLoudnessTarget(target_lufs, peak_limit_dbfs));
  if (min_speech_seconds > max_input_seconds) {
    return InvalidArgument("min_speech_seconds exceeds max_input_seconds", "min_speech_seconds");
  }
  return {};
}

std::string PreprocessOptions::ToString() const {
  return "min_speech_seconds=" + Fixed(min_speech_seconds, 1) +
         " max_input_seconds=" + Fixed(max_input_seconds, 1) +
         " max_clipping_fraction=" + Fixed(max_clipping_fraction, 4) +
         " min_snr_db=" + Fixed(min_snr_db, 1) +
         " max_pause_seconds=" + Fixed(max_pause_seconds, 2) +
         " margin_seconds=" + Fixed(margin_seconds, 2) + " target_lufs=" + Fixed(target_lufs, 1) +
         " peak_limit_dbfs=" + Fixed(peak_limit_dbfs, 1) +
         " vad=" + std::to_string(static_cast<int>(vad));
}

Result<PreprocessedSample> PreprocessVoiceSample(std::span<const audio::PcmBuffer> files,
                                                 const PreprocessOptions& options) {
  VOX_RETURN_IF_ERROR(options.Validate());
  if (files.empty()) return InvalidArgument("no recordings were given", "files");
  PreprocessStats stats;
  stats.files = static_cast<int>(files.size());
  float peak = 0.0f;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const audio::PcmBuffer& f = files[i];
    if (f.sample_rate <= 0 || f.channels < 1 || f.samples.size() % f.channels != 0) {
      return InvalidArgument("recording " + std::to_string(i + 1) + " is not a valid buffer (" +
                                 std::to_string(f.sample_rate) + " Hz, " +
                                 std::to_string(f.channels) + " channels)",
                             "files");
    }
    stats.input_seconds += f.duration_s();
    peak = std::max(peak, static_cast<float>(audio::PeakAbs(f)));
  }
  if (stats.input_seconds > options.max_input_seconds) {
    return Unprocessable("the recordings last " + Fixed(stats.input_seconds, 1) +
                         " s in total; at most " + Fixed(options.max_input_seconds, 0) +
                         " s are accepted");
  }
  if (!(peak >= kSilencePeak)) {
    return Unprocessable("the recordings are silent (peak level " +
                         Fixed(peak > 0 ? 20.0 * std::log10(peak) : -200.0, 1) + " dBFS)");
  }

  std::vector<Recording> recs;
  std::size_t clipped = 0, speech_samples = 0;
  for (const audio::PcmBuffer& f : files) {
    VOX_ASSIGN_OR_RETURN(Recording rec, Analyze(f, options.vad));
    for (const Phrase& p : rec.phrases) {
      stats.speech_seconds += static_cast<double>(p.end - p.begin) * kFrame / kRate;
    }
    clipped += rec.clipped_samples;
    speech_samples += rec.speech_samples;
    recs.push_back(std::move(rec));
  }
  if (stats.speech_seconds == 0) {
    return Unprocessable("no speech was found in the recordings (only silence or noise)");
  }
  if (stats.speech_seconds < options.min_speech_seconds) {
    return Unprocessable("the recordings contain " + Fixed(stats.speech_seconds, 1) +
                         " s of speech; at least " + Fixed(options.min_speech_seconds, 1) +
                         " s are needed");
  }
  stats.clipping_fraction =
      speech_samples > 0 ? static_cast<double>(clipped) / static_cast<double>(speech_samples) : 0;
  if (stats.clipping_fraction > options.max_clipping_fraction) {
    return Unprocessable("the recordings are clipped (distorted by a level too high): " +
                         Fixed(100.0 * stats.clipping_fraction, 2) +
                         "% of the speech samples are at full scale; at most " +
                         Fixed(100.0 * options.max_clipping_fraction, 2) + "% are accepted");
  }
  stats.snr_db = EstimateSnrDb(recs);
  if (stats.snr_db < options.min_snr_db) {
    return Unprocessable("the recordings are too noisy: the speech is " + Fixed(stats.snr_db, 1) +
                         " dB above the background noise; at least " +
                         Fixed(options.min_snr_db, 1) + " dB are needed");
  }

  PreprocessedSample result;
  result.audio.sample_rate = kRate;
  result.audio.channels = 1;
  result.audio.samples = Assemble(recs, options);
  recs.clear();  // the per-recording copies are no longer needed
  VOX_ASSIGN_OR_RETURN(stats.loudness_before_lufs, audio::MeasureLufs(result.audio));
  if (!std::isfinite(stats.loudness_before_lufs)) {
    return Unprocessable("the speech is too quiet to measure (below -70 LUFS)");
  }
  VOX_ASSIGN_OR_RETURN(stats.gain_db, audio::NormalizeLoudness(result.audio, options.target_lufs,
                                                               options.peak_limit_dbfs));
  VOX_ASSIGN_OR_RETURN(stats.loudness_after_lufs, audio::MeasureLufs(result.audio));
  stats.output_seconds = result.audio.duration_s();
  result.stats = stats;
  return result;
}

}  // namespace vox::voice
