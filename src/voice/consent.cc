#include "voice/consent.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <sstream>
#include <vector>

#include "asr/wer.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace vox::voice {
namespace {

constexpr std::size_t kMaxNameChars = 100;
constexpr std::string_view kStatementHead = "I, ";
constexpr std::string_view kStatementAgree = ", agree that ";

// Letters a name written in a Latin alphabet uses: ASCII, Latin-1 letters (not the x and
// division signs), Latin Extended-A/B and Latin Extended Additional.
bool IsNameLetter(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  return c >= 0x1E00 && c <= 0x1EFF;
}

Result<std::string> CleanName(std::string_view raw, const char* field, bool allow_digits) {
  const std::string what = field;
  if (!text::ValidateUtf8(raw)) return InvalidArgument(what + " is not valid UTF-8", field);
  std::string name;
  bool has_letter = false;
  std::size_t chars = 0;
  for (std::size_t pos = 0; pos < raw.size();) {
    const char32_t c = text::DecodeUtf8(raw, pos);
    if (c == ' ') {
      if (!name.empty() && name.back() != ' ') name += ' ';
      continue;
    }
    const bool letter = IsNameLetter(c);
    const bool digit = allow_digits && c >= '0' && c <= '9';
    if (!letter && !digit && c != '-' && c != '\'' && c != '.') {
      return InvalidArgument(what +
                                 " may contain only letters, spaces, hyphens, apostrophes and "
                                 "periods" +
                                 (allow_digits ? std::string(" and digits") : ""),
                             field);
    }
    has_letter = has_letter || letter;
    text::AppendUtf8(c, name);
  }
  if (!name.empty() && name.back() == ' ') name.pop_back();
  chars = text::CountCodePoints(name);
  if (chars == 0 || chars > kMaxNameChars) {
    return InvalidArgument(what + " must be 1 to 100 characters", field);
  }
  if (!has_letter) return InvalidArgument(what + " must contain a letter", field);
  return name;
}

Result<std::vector<std::string>> ScoringWords(std::string_view text) {
  auto normalized = text::Normalize(text);
  if (!normalized) return InvalidArgument(normalized.error().message, "statement");
  return asr::WordsForScoring(*normalized);
}

// The statement as the scorer sees it: words before the name, how many words the name has
// (0 and no slot when the statement is not of ConsentStatement's shape), words after it.
struct ScoringReference {
  std::vector<std::string> before;
  std::vector<std::string> after;
  bool has_name_slot = false;
  std::size_t name_words = 0;
};

Result<ScoringReference> ParseStatement(std::string_view statement) {
  ScoringReference ref;
  const std::size_t agree = statement.find(kStatementAgree);
  if (statement.starts_with(kStatementHead) && agree != std::string_view::npos &&
      agree > kStatementHead.size()) {
    const std::string_view name =
        statement.substr(kStatementHead.size(), agree - kStatementHead.size());
    VOX_ASSIGN_OR_RETURN(ref.before, ScoringWords("I"));
    VOX_ASSIGN_OR_RETURN(const auto name_words, ScoringWords(name));
    VOX_ASSIGN_OR_RETURN(ref.after, ScoringWords(statement.substr(agree + 2)));
    ref.has_name_slot = true;
    ref.name_words = name_words.size();
  } else {
    VOX_ASSIGN_OR_RETURN(ref.before, ScoringWords(statement));
  }
  if (ref.before.size() + ref.after.size() == 0) {
    return InvalidArgument("consent statement has no words", "statement");
  }
  return ref;
}

// cost[i] = edit distance between `ref` and the first i words of `hyp`.
std::vector<std::size_t> PrefixDistances(const std::vector<std::string>& ref,
                                         const std::vector<std::string>& hyp) {
  std::vector<std::size_t> prev(hyp.size() + 1), cur(hyp.size() + 1);
  for (std::size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= ref.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= hyp.size(); ++j) {
      cur[j] =
          std::min({prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return prev;
}

// Word errors with the name slot absorbing up to `slot` hypothesis words for free:
// min over i <= j <= i + slot of d(before, hyp[0, i)) + d(after, hyp[j, end)).
std::size_t SlotErrors(const ScoringReference& ref, const std::vector<std::string>& hyp) {
  const std::vector<std::size_t> head = PrefixDistances(ref.before, hyp);
  if (!ref.has_name_slot) return head[hyp.size()];
  std::vector<std::string> after_reversed(ref.after.rbegin(), ref.after.rend());
  std::vector<std::string> hyp_reversed(hyp.rbegin(), hyp.rend());
  // tail_r[k] = d(after, last k words of hyp), so d(after, hyp[j, end)) = tail_r[n - j].
  const std::vector<std::size_t> tail_r = PrefixDistances(after_reversed, hyp_reversed);
  const std::size_t n = hyp.size();
  const std::size_t slot = 2 * ref.name_words + 2;
  std::size_t best = head[n] + tail_r[0];
  for (std::size_t i = 0; i <= n; ++i) {
    for (std::size_t j = i; j <= std::min(n, i + slot); ++j) {
      best = std::min(best, head[i] + tail_r[n - j]);
    }
  }
  return best;
}

// A negation the statement does not contain turns consent into refusal at a low WER.
std::string AddedNegation(const ScoringReference& ref, const std::vector<std::string>& hyp) {
  static const std::set<std::string> kNegations = {
      "not",   "no",      "never",    "don't",   "dont",    "do'nt",   "won't",
      "can't", "cannot",  "isn't",    "doesn't", "didn't",  "shan't",  "wouldn't",
      "nor",   "neither", "disagree", "refuse",  "decline", "without", "deny"};
  std::set<std::string> in_statement(ref.before.begin(), ref.before.end());
  in_statement.insert(ref.after.begin(), ref.after.end());
  for (const std::string& word : hyp) {
    if (kNegations.contains(word) && !in_statement.contains(word)) return word;
  }
  return {};
}

std::string Fixed(double v) {
  std::ostringstream out;
  out.precision(2);
  out << std::fixed << v;
  return out.str();
}

Status CheckRecording(const audio::PcmBuffer& pcm) {
  if (pcm.sample_rate <= 0 || pcm.channels <= 0 || pcm.samples.empty() ||
      pcm.samples.size() % static_cast<std::size_t>(pcm.channels) != 0) {
    return InvalidArgument("consent recording is empty or malformed", "audio");
  }
  return {};
}

Status CheckEncoder(const Embedding& samples, const SpeakerEncoder& encoder) {
  if (samples.encoder == encoder.id()) return {};
  return InvalidArgument("sample embedding was made by '" + samples.encoder +
                             "', not by the consent encoder '" + encoder.id() +
                             "': re-embed the samples",
                         "embedding");
}

// The recording's cosine to the samples under `encoder`; a failure is added when it is under
// `min` or the recording holds too little speech to embed (nullopt then).
Result<std::optional<double>> ScoreVoice(const audio::PcmBuffer& recording, SpeakerEncoder& encoder,
                                         const Embedding& samples, double min,
                                         const std::string& label,
                                         std::vector<std::string>& failures) {
  auto embedding = encoder.Embed(recording);
  if (!embedding) {
    if (embedding.error().code != ErrorCode::kInvalidArgument ||
        embedding.error().field != "audio") {
      return std::unexpected(embedding.error());
    }
    failures.push_back("voice cannot be compared: " + embedding.error().message);
    return std::optional<double>();
  }
  VOX_ASSIGN_OR_RETURN(const double similarity, CosineSimilarity(*embedding, samples));
  if (similarity < min) {
    failures.push_back("voice does not match the samples (" + label + "similarity " +
                       Fixed(similarity) + " < " + Fixed(min) + ")");
  }
  return std::optional<double>(similarity);
}

}  // namespace

Result<std::string> ConsentStatement(std::string_view speaker_name,
                                     std::string_view platform_name) {
  VOX_ASSIGN_OR_RETURN(const std::string name, CleanName(speaker_name, "speaker_name", false));
  VOX_ASSIGN_OR_RETURN(const std::string platform, CleanName(platform_name, "platform_name", true));
  return std::string(kStatementHead) + name + std::string(kStatementAgree) +
         "recordings of my voice will be used by " + platform +
         " to create a synthetic version of my voice.";
}

Status ConsentOptions::Validate() const {
  if (!(max_wer > 0.0 && max_wer <= 1.0)) {
    return InvalidArgument("max_wer must be in (0, 1]", "max_wer");
  }
  if (!(min_similarity > 0.0 && min_similarity <= 1.0)) {
    return InvalidArgument("min_similarity must be in (0, 1]", "min_similarity");
  }
  if (!(min_source_similarity > 0.0 && min_source_similarity <= 1.0)) {
    return InvalidArgument("min_source_similarity must be in (0, 1]", "min_source_similarity");
  }
  return {};
}

Result<double> ConsentWordErrorRate(std::string_view statement, std::string_view transcript) {
  VOX_ASSIGN_OR_RETURN(const ScoringReference ref, ParseStatement(statement));
  const std::vector<std::string> hyp = asr::WordsForScoring(transcript);
  return static_cast<double>(SlotErrors(ref, hyp)) /
         static_cast<double>(ref.before.size() + ref.after.size());
}

Result<ConsentCheck> VerifyConsent(const audio::PcmBuffer& recording, std::string_view statement,
                                   const Embedding& sample_embedding, asr::Transcriber& transcriber,
                                   SpeakerEncoder& encoder, const ConsentOptions& options,
                                   std::optional<SecondSpeakerModel> second) {
  VOX_RETURN_IF_ERROR(options.Validate());
  VOX_RETURN_IF_ERROR(CheckRecording(recording));
  if (statement.empty()) return InvalidArgument("consent statement is empty", "statement");
  VOX_RETURN_IF_ERROR(CheckEncoder(sample_embedding, encoder));
  if (second) VOX_RETURN_IF_ERROR(CheckEncoder(second->sample_embedding, second->encoder));
  VOX_ASSIGN_OR_RETURN(const ScoringReference ref, ParseStatement(statement));

  ConsentCheck check;
  VOX_ASSIGN_OR_RETURN(check.transcript, transcriber.Transcribe(recording));
  const std::vector<std::string> hyp = asr::WordsForScoring(check.transcript);
  check.wer = static_cast<double>(SlotErrors(ref, hyp)) /
              static_cast<double>(ref.before.size() + ref.after.size());

  std::vector<std::string> failures;
  if (hyp.empty()) {
    failures.push_back("no speech recognized in the recording");
  } else if (check.wer > options.max_wer) {
    failures.push_back("transcript does not match the statement (word error rate " +
                       Fixed(check.wer) + " > " + Fixed(options.max_wer) + ")");
  }
  if (const std::string negation = AddedNegation(ref, hyp); !negation.empty()) {
    failures.push_back("transcript contains '" + negation + "', which the statement does not");
  }

  VOX_ASSIGN_OR_RETURN(check.similarity, ScoreVoice(recording, encoder, sample_embedding,
                                                    options.min_similarity, "", failures));
  if (second && check.similarity) {  // no speech for one encoder is none for the other
    VOX_ASSIGN_OR_RETURN(
        check.source_similarity,
        ScoreVoice(recording, second->encoder, second->sample_embedding,
                   options.min_source_similarity, second->encoder.id() + " ", failures));
  }

  check.passed = failures.empty();
  for (const std::string& f : failures) {
    if (!check.reason.empty()) check.reason += "; ";
    check.reason += f;
  }
  return check;
}

}  // namespace vox::voice
