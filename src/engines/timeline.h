// Timeline: the word timings of one synthesis, shown on the caller's text.
//
// Fed the chunks of Synthesizer::RunSentences as they come, it keeps each
// timed word twice: on the raw text the client sent (through the plan's
// source alignment: "$3.50" is one word from the start of "three" to the end
// of "cents") and on the normalized text the engine spoke (its sentences
// joined by one space), for ElevenLabs' `alignment` and `normalized_alignment`.
// Engines without word timings (capabilities().timing kNone) leave it empty:
// timed() is false and no timestamps are reported. Not thread-safe: one per
// synthesis, on its thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engines/synthesizer.h"
#include "text/timed_text.h"

namespace vox::engines {

class Timeline {
 public:
  // `plan` must outlive the timeline. Without source alignment (a plan from
  // Resume() that Align() could not match) only normalized words are kept.
  Timeline(const SynthesisPlan& plan, std::string raw_text);

  struct ChunkWords {
    std::vector<text::WordTime> raw;         // on raw_text(); times from the audio's start
    std::vector<text::WordTime> normalized;  // on normalized_text()
  };
  // The words of one chunk (as RunSentences delivers it), kept and returned.
  ChunkWords Add(size_t sentence, const AudioChunk& chunk);

  bool timed() const { return timed_; }
  const std::string& raw_text() const { return raw_text_; }
  const std::string& normalized_text() const { return normalized_text_; }
  const std::vector<text::WordTime>& words() const { return words_; }

 private:
  const SynthesisPlan& plan_;
  std::string raw_text_;
  std::string normalized_text_;
  std::vector<size_t> sentence_offsets_;  // of each sentence in normalized_text_
  std::vector<text::WordTime> words_;
  bool timed_ = false;
};

// The `timestamps` list of a job: [{"word","start","end","char_start","char_end"}],
// seconds rounded to milliseconds, offsets in code points of the job's text.
nlohmann::json WordTimestampsJson(const std::vector<text::WordTime>& words);

// The side file kept beside a job's audio: its key in the blob store, and its
// body {"job_id","text_sha256","timestamps"} (the hash of the text the offsets
// refer to: a cache hit may reuse it only for the same text). A stream, which
// keeps no audio, also keeps its SSML marks here ([{"name","time"}], when any).
std::string TimestampsKey(const std::string& job_id);
std::string TimestampsDocument(const std::string& job_id, std::string_view text,
                               const std::vector<text::WordTime>& words,
                               const nlohmann::json& marks = nullptr);

}  // namespace vox::engines
