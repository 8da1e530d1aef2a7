// Speech recognition with pocketsphinx (CMU Sphinx, US English model).
//
// Vox uses an ASR that nobody here wrote to judge its own output: the test
// suite measures intelligibility with it, and voice cloning checks that a
// consent recording says the consent statement. Not a product feature on its
// own; accuracy is that of a small 2016-era model, good enough for relative
// comparisons and gross mismatches, not for exact transcripts.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "audio/pcm_buffer.h"
#include "common/status.h"

struct ps_decoder_s;

namespace vox::asr {

struct TranscriberConfig {
  // Folder with en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict.
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us";

  Status Validate() const;  // the model files exist
};

class Transcriber {
 public:
  static Result<std::unique_ptr<Transcriber>> Create(const TranscriberConfig& config);
  ~Transcriber();

  // Transcribes audio of any sample rate (it is resampled to 16 kHz mono).
  // Thread-safe (calls are serialized: one pocketsphinx decoder per object).
  // Returns lower-case words separated by single spaces; empty for silence.
  Result<std::string> Transcribe(const audio::PcmBuffer& audio);

  // The same, decoded against a JSGF grammar instead of the language model: the words are a
  // sentence of the grammar, or empty when no path through it fits. Every word of the grammar
  // must be one the dictionary Knows (an InvalidArgument names the grammar otherwise).
  Result<std::string> TranscribeWithGrammar(const audio::PcmBuffer& audio,
                                            const std::string& jsgf);

  // Whether the pronunciation dictionary has `word` (lower case).
  bool Knows(const std::string& word);

 private:
  explicit Transcriber(ps_decoder_s* decoder) : decoder_(decoder) {}
  // One utterance through the active search; the caller holds mutex_.
  Result<std::string> Decode(const std::vector<int16_t>& pcm);

  std::mutex mutex_;
  ps_decoder_s* decoder_;
};

}  // namespace vox::asr
