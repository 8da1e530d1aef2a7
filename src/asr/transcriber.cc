#include "asr/transcriber.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "audio/dsp.h"
#include "audio/resampler.h"

namespace vox::asr {
namespace {

constexpr int kAsrSampleRate = 16000;
constexpr const char* kGrammarSearch = "vox_grammar";

std::vector<int16_t> ToInt16Mono16k(const audio::PcmBuffer& mono16k) {
  std::vector<int16_t> out(mono16k.samples.size());
  for (size_t i = 0; i < out.size(); ++i) {
    float s = std::clamp(mono16k.samples[i], -1.0f, 1.0f);
    out[i] = static_cast<int16_t>(std::lrint(s * 32767.0f));
  }
  return out;
}

// pocketsphinx marks fillers and silences as <s>, </s>, <sil>, [NOISE], and
// alternative pronunciations as word(2); keep plain words only.
std::string CleanHypothesis(const char* hyp) {
  if (hyp == nullptr) return {};
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (word.front() != '<' && word.front() != '[') {
      if (auto paren = word.find('('); paren != std::string::npos) word.resize(paren);
      if (!out.empty()) out += ' ';
      out += word;
    }
    word.clear();
  };
  for (const char* p = hyp; *p != '\0'; ++p) {
    if (*p == ' ') {
      flush();
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    }
  }
  flush();
  return out;
}

Result<std::vector<int16_t>> AsrSamples(const audio::PcmBuffer& input) {
  audio::PcmBuffer mono = audio::ToMono(input);
  VOX_ASSIGN_OR_RETURN(audio::PcmBuffer resampled, audio::Resample(mono, kAsrSampleRate));
  return ToInt16Mono16k(resampled);
}

}  // namespace

Status TranscriberConfig::Validate() const {
  namespace fs = std::filesystem;
  for (const char* part : {"en-us", "en-us.lm.bin", "cmudict-en-us.dict"}) {
    if (!fs::exists(fs::path(model_dir) / part)) {
      return InvalidArgument("pocketsphinx model file missing: " + (fs::path(model_dir) / part).string() +
                                 " (install pocketsphinx-en-us)",
                             "model_dir");
    }
  }
  return {};
}

Result<std::unique_ptr<Transcriber>> Transcriber::Create(const TranscriberConfig& config) {
  VOX_RETURN_IF_ERROR(config.Validate());
  const std::string hmm = config.model_dir + "/en-us";
  const std::string lm = config.model_dir + "/en-us.lm.bin";
  const std::string dict = config.model_dir + "/cmudict-en-us.dict";
  cmd_ln_t* cmd = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(),
                              "-dict", dict.c_str(), "-logfn", "/dev/null", nullptr);
  if (cmd == nullptr) return Internal("pocketsphinx rejected its configuration");
  ps_decoder_t* decoder = ps_init(cmd);
  cmd_ln_free_r(cmd);  // the decoder holds its own reference
  if (decoder == nullptr) return Internal("pocketsphinx failed to load its model");
  return std::unique_ptr<Transcriber>(new Transcriber(decoder));
}

Transcriber::~Transcriber() { ps_free(decoder_); }

Result<std::string> Transcriber::Transcribe(const audio::PcmBuffer& input) {
  VOX_ASSIGN_OR_RETURN(const std::vector<int16_t> pcm, AsrSamples(input));
  std::lock_guard lock(mutex_);
  return Decode(pcm);
}

Result<std::string> Transcriber::TranscribeWithGrammar(const audio::PcmBuffer& input,
                                                       const std::string& jsgf) {
  VOX_ASSIGN_OR_RETURN(const std::vector<int16_t> pcm, AsrSamples(input));
  std::lock_guard lock(mutex_);
  const std::string language_model = ps_get_search(decoder_);
  if (ps_set_jsgf_string(decoder_, kGrammarSearch, jsgf.c_str()) < 0) {
    return InvalidArgument("pocketsphinx rejected the grammar (a word outside its dictionary?)",
                           "grammar");
  }
  ps_set_search(decoder_, kGrammarSearch);
  Result<std::string> words = Decode(pcm);
  ps_set_search(decoder_, language_model.c_str());
  ps_unset_search(decoder_, kGrammarSearch);
  return words;
}

bool Transcriber::Knows(const std::string& word) {
  std::lock_guard lock(mutex_);
  char* phones = ps_lookup_word(decoder_, word.c_str());
  std::free(phones);  // allocated by pocketsphinx with malloc (ckd_salloc)
  return phones != nullptr;
}

Result<std::string> Transcriber::Decode(const std::vector<int16_t>& pcm) {
  if (ps_start_utt(decoder_) < 0) return Internal("pocketsphinx could not start an utterance");
  ps_process_raw(decoder_, pcm.data(), pcm.size(), FALSE, TRUE);
  ps_end_utt(decoder_);
  int32 score = 0;
  return CleanHypothesis(ps_get_hyp(decoder_, &score));
}

}  // namespace vox::asr
