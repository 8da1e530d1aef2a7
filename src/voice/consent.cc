#include "voice/consent.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <set>
#include <sstream>
#include <vector>

#include "asr/wer.h"
#include "common/crypto.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace vox::voice {
namespace {

constexpr std::size_t kMaxNameChars = 100;
constexpr std::string_view kStatementHead = "I, ";
constexpr std::string_view kStatementAgree = ", agree that ";
constexpr std::string_view kStatementUsedBy = "recordings of my voice will be used by ";
constexpr std::string_view kStatementPurpose = " to create a synthetic version of my voice.";
constexpr std::string_view kStatementCode = " My code is ";
constexpr std::size_t kMaxChallengeChars = 80;

// The challenge's words: the digits, which pocketsphinx hears best of the kinds measured in
// consent_challenge_eval_test.cc (flite slt, rms, awb).
constexpr std::array<std::string_view, 10> kChallengeVocabulary = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

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

// The statement as the scorer sees it: words before the name, the name's size (no slot when
// the statement is not of ConsentStatement's shape), words after it, and the anchors that
// must be heard in order: "agree", the platform's name, the challenge.
struct ScoringReference {
  std::vector<std::string> before;
  std::vector<std::string> after;
  bool has_name_slot = false;
  std::size_t name_words = 0;
  std::size_t name_letters = 0;
  std::vector<std::string> platform;   // empty when the statement is of another shape
  std::vector<std::string> challenge;  // empty without a challenge
  std::size_t words_to_platform = 0;   // the statement's words between "agree" and platform
  std::size_t words_to_challenge = 0;  // ... and between the platform and the challenge
};

std::size_t Letters(const std::vector<std::string>& words) {
  std::size_t n = 0;
  for (const std::string& w : words) n += w.size();
  return n;
}

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
    ref.name_letters = Letters(name_words);
    // The platform sits between "used by " and " to create ..."; the challenge, if any,
    // after " My code is ".
    const std::string_view rest = statement.substr(agree + kStatementAgree.size());
    const std::size_t purpose = rest.find(kStatementPurpose);
    if (rest.starts_with(kStatementUsedBy) && purpose != std::string_view::npos) {
      VOX_ASSIGN_OR_RETURN(
          ref.platform,
          ScoringWords(rest.substr(kStatementUsedBy.size(), purpose - kStatementUsedBy.size())));
      const std::string_view tail = rest.substr(purpose + kStatementPurpose.size());
      if (tail.starts_with(kStatementCode)) {
        VOX_ASSIGN_OR_RETURN(ref.challenge, ScoringWords(tail.substr(kStatementCode.size())));
      }
      VOX_ASSIGN_OR_RETURN(const auto to_platform, ScoringWords(kStatementUsedBy));
      VOX_ASSIGN_OR_RETURN(const auto to_challenge, ScoringWords(std::string(kStatementPurpose) +
                                                                 std::string(kStatementCode)));
      ref.words_to_platform = 1 + to_platform.size();  // "that" + "recordings ... by"
      ref.words_to_challenge = to_challenge.size();
    }
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

// How many letters of recognized words the name slot absorbs: about the name's own length.
// Names outside the ASR's vocabulary come back as a few short words of about as many
// letters ("siobhan nguyen" as "shannon and g y n": 13 and 13); the slack covers a longer
// mishearing, not a clause ("am being forced to", "object that") slipped in beside it.
std::size_t NameSlotLetters(const ScoringReference& ref) {
  return ref.name_letters + std::max<std::size_t>(4, ref.name_letters / 2);
}

// Word errors with the name slot absorbing hypothesis words for free, at most
// 2 x (name words) + 2 of them and NameSlotLetters letters:
// min over the slots hyp[i, j) of d(before, hyp[0, i)) + d(after, hyp[j, end)).
std::size_t SlotErrors(const ScoringReference& ref, const std::vector<std::string>& hyp) {
  const std::vector<std::size_t> head = PrefixDistances(ref.before, hyp);
  if (!ref.has_name_slot) return head[hyp.size()];
  std::vector<std::string> after_reversed(ref.after.rbegin(), ref.after.rend());
  std::vector<std::string> hyp_reversed(hyp.rbegin(), hyp.rend());
  // tail_r[k] = d(after, last k words of hyp), so d(after, hyp[j, end)) = tail_r[n - j].
  const std::vector<std::size_t> tail_r = PrefixDistances(after_reversed, hyp_reversed);
  const std::size_t n = hyp.size();
  const std::size_t slot = 2 * ref.name_words + 2;
  const std::size_t slot_letters = NameSlotLetters(ref);
  std::size_t best = head[n] + tail_r[0];
  for (std::size_t i = 0; i <= n; ++i) {
    std::size_t letters = 0;
    for (std::size_t j = i; j <= std::min(n, i + slot); ++j) {
      if (j > i) letters += hyp[j - 1].size();
      if (letters > slot_letters) break;
      best = std::min(best, head[i] + tail_r[n - j]);
    }
  }
  return best;
}

// Words that turn consent into refusal, or say it was not given freely, at a low WER: "I,
// Jane Doe, object that ...", "... am being forced to agree ...". Any of them the statement
// lacks fails the check whatever its WER.
const std::set<std::string>& RefusalWords() {
  static const std::set<std::string> kWords = {
      // negation
      "not", "no", "never", "don't", "dont", "do'nt", "won't", "can't", "cannot", "isn't",
      "doesn't", "didn't", "shan't", "wouldn't", "nor", "neither", "without",
      // refusal
      "disagree", "disagrees", "disagreed", "refuse", "refuses", "refused", "refusing", "decline",
      "declines", "declined", "deny", "denies", "denied", "object", "objects", "objected",
      "objecting", "objection", "forbid", "forbids", "forbade", "forbidden", "forbidding", "reject",
      "rejects", "rejected", "rejecting", "oppose", "opposes", "opposed", "opposing", "revoke",
      "revokes", "revoked", "revoking", "withdraw", "withdraws", "withdrew", "withdrawn",
      "withdrawing", "against", "prohibit", "prohibits", "prohibited", "veto",
      // coercion
      "force", "forces", "forced", "forcing", "coerce", "coerces", "coerced", "coercing",
      "coercion", "duress", "threatened", "threat", "compelled", "pressured", "unwilling",
      "unwillingly", "involuntarily"};
  return kWords;
}

std::string AddedRefusal(const ScoringReference& ref, const std::vector<std::string>& hyp) {
  std::set<std::string> in_statement(ref.before.begin(), ref.before.end());
  in_statement.insert(ref.after.begin(), ref.after.end());
  for (const std::string& word : hyp) {
    if (RefusalWords().contains(word) && !in_statement.contains(word)) return word;
  }
  return {};
}

std::size_t LetterDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// A rough sound of a word, for anchors the ASR spells otherwise: consonants in classes
// (b p f v, c g k q, d t, s z), x as "ks", vowels as one, h and w dropped, repeats merged.
// "vox", "box" and "books" all sound "baks".
std::string SoundOf(std::string_view word) {
  std::string key;
  auto put = [&](char c) {
    if (key.empty() || key.back() != c) key += c;
  };
  for (const char c : word) {
    switch (c) {
      case 'b':
      case 'p':
      case 'f':
      case 'v':
        put('b');
        break;
      case 'c':
      case 'g':
      case 'k':
      case 'q':
        put('k');
        break;
      case 'd':
      case 't':
        put('t');
        break;
      case 's':
      case 'z':
        put('s');
        break;
      case 'x':
        put('k');
        put('s');
        break;
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
      case 'y':
        put('a');
        break;
      case 'h':
      case 'w':
      case '\'':
        break;
      default:
        put(c);
    }
  }
  return key;
}

// An anchor word heard: exactly; or, for words of 3 letters or more, one letter off ("four"
// as "for", "two" as "to"), inflected ("agreed"), or sounding alike ("Vox" as "box" or
// "books").
bool Heard(std::string_view expected, std::string_view word) {
  if (expected == word) return true;
  if (expected.size() < 3) return false;
  if (word.starts_with(expected) && word.size() <= expected.size() + 2) return true;
  return LetterDistance(expected, word) <= 1 || SoundOf(expected) == SoundOf(word);
}

// The longest in-order match of `expected` in hyp[from, end): how many it matched and where
// the last matched word ends (from when none).
struct InOrder {
  std::size_t matched = 0;
  std::size_t start = 0;  // where the first matched word is (end when none)
  std::size_t end = 0;    // one past the last matched word (from when none)
};
InOrder MatchInOrder(const std::vector<std::string>& expected, const std::vector<std::string>& hyp,
                     std::size_t from) {
  // LCS over (expected, hyp[from..]) with Heard as equality; the earliest end reaching the
  // best count, and walking back from there, the latest start of such a match.
  const std::size_t m = expected.size(), n = hyp.size() - std::min(from, hyp.size());
  std::vector<std::vector<std::size_t>> best(m + 1, std::vector<std::size_t>(n + 1, 0));
  for (std::size_t i = 1; i <= m; ++i) {
    for (std::size_t j = 1; j <= n; ++j) {
      best[i][j] = std::max(best[i - 1][j], best[i][j - 1]);
      if (Heard(expected[i - 1], hyp[from + j - 1])) {
        best[i][j] = std::max(best[i][j], best[i - 1][j - 1] + 1);
      }
    }
  }
  InOrder out{best[m][n], from, from};
  std::size_t j = 0;
  while (j < n && best[m][j] < out.matched) ++j;
  out.end = from + j;
  out.start = out.end;
  for (std::size_t i = m; i > 0 && j > 0;) {
    if (Heard(expected[i - 1], hyp[from + j - 1]) && best[i][j] == best[i - 1][j - 1] + 1) {
      out.start = from + j - 1;
      --i, --j;
    } else if (best[i][j] == best[i][j - 1]) {
      --j;
    } else {
      --i;
    }
  }
  return out;
}

// The anchors of a ConsentStatement-shaped statement, in order: "agree", then every word of
// the platform's name, then the challenge with at most `max_challenge_misses` words missed.
// Between two anchors the transcript may hold at most one word more than the statement there
// (the ASR splits a word now and then): "agree under duress that ..." heard as "agree on guard
// the rest of recordings ..." slips a clause in where the statement has none. Empty when
// heard; otherwise why not.
// `grammar_pass` (ChallengeMissedByGrammar; may be empty) runs only when the transcript misses
// too much of the challenge: its count stands in then.
using GrammarPass = std::function<std::optional<std::size_t>()>;
std::string MissingAnchor(const ScoringReference& ref, const std::vector<std::string>& hyp,
                          int max_challenge_misses, const GrammarPass& grammar_pass,
                          std::optional<int>& challenge_missed) {
  if (!ref.has_name_slot) return {};
  const InOrder agree = MatchInOrder({"agree"}, hyp, 0);
  if (agree.matched == 0) return "'agree' was not heard";
  if (ref.platform.empty()) return {};
  const InOrder platform = MatchInOrder(ref.platform, hyp, agree.end);
  if (platform.matched < ref.platform.size()) {
    return "the platform's name was not heard after 'agree'";
  }
  auto added = [](std::size_t heard, std::size_t said) {
    return "the transcript adds " + std::to_string(heard - said) +
           " words the statement does not have between its parts";
  };
  if (platform.start - agree.end > ref.words_to_platform + 1) {
    return added(platform.start - agree.end, ref.words_to_platform);
  }
  if (ref.challenge.empty()) return {};
  const InOrder challenge = MatchInOrder(ref.challenge, hyp, platform.end);
  const std::size_t missed = ref.challenge.size() - challenge.matched;
  const auto allowed = static_cast<std::size_t>(std::max(0, max_challenge_misses));
  challenge_missed = static_cast<int>(missed);
  if (missed > allowed && grammar_pass) {
    if (const std::optional<std::size_t> grammar_missed = grammar_pass()) {
      // The grammar puts the code right after "my code is": no gap to measure.
      challenge_missed = static_cast<int>(std::min(missed, *grammar_missed));
      if (*grammar_missed <= allowed) return {};
    }
  }
  if (missed > allowed) {
    return "the challenge was not heard after the platform's name (" +
           std::to_string(*challenge_missed) + " of its " + std::to_string(ref.challenge.size()) +
           " words missing)";
  }
  // The first challenge word may be the one missed: count from where its match starts, less
  // the words missed before it.
  const std::size_t gap = challenge.start - platform.end;
  if (gap > ref.words_to_challenge + missed + 1) return added(gap, ref.words_to_challenge);
  return {};
}

bool IsChallengeWord(std::string_view word) {
  return std::ranges::find(kChallengeVocabulary, word) != kChallengeVocabulary.end();
}

// The challenge words a second pass misses: the recording decoded against the grammar "any of
// the statement's other words, then 'my code is' and as many digits as the challenge has", so
// the code can only be heard as digits. The language model alone hears runs of digits as other
// words ("two two" as "tube", "four eight" as "for a", "one one" as "won won"): a fifth of
// genuine readings by flite slt failed on that (consent_challenge_eval_test.cc). The grammar
// makes up no code: a reading of another code decodes as that code. nullopt without a
// challenge or when no path through the grammar fits.
Result<std::optional<std::size_t>> ChallengeMissedByGrammar(const ScoringReference& ref,
                                                            const audio::PcmBuffer& recording,
                                                            asr::Transcriber& transcriber) {
  if (ref.challenge.empty()) return std::optional<std::size_t>();
  std::set<std::string> words;
  for (const auto* part : {&ref.before, &ref.after, &ref.platform}) {
    for (const std::string& w : *part) {
      const bool plain = std::ranges::all_of(w, [](char c) { return c >= 'a' && c <= 'z'; });
      if (plain && !IsChallengeWord(w) && transcriber.Knows(w)) words.insert(w);
    }
  }
  std::string jsgf = "#JSGF V1.0;\ngrammar consent;\npublic <reading> = ";
  if (!words.empty()) jsgf += "<word>* ";
  jsgf += "my code is";
  for (std::size_t i = 0; i < ref.challenge.size(); ++i) jsgf += " <digit>";
  jsgf += ";\n<digit> = ";
  for (std::size_t i = 0; i < kChallengeVocabulary.size(); ++i) {
    jsgf += (i == 0 ? "" : " | ") + std::string(kChallengeVocabulary[i]);
  }
  jsgf += ";\n";
  if (!words.empty()) {
    std::string alternatives;
    for (const std::string& w : words) alternatives += (alternatives.empty() ? "" : " | ") + w;
    jsgf += "<word> = " + alternatives + ";\n";
  }
  auto heard = transcriber.TranscribeWithGrammar(recording, jsgf);
  if (!heard && heard.error().code == ErrorCode::kInvalidArgument) {
    return std::optional<std::size_t>();  // a grammar the decoder refused: the transcript decides
  }
  if (!heard) return std::unexpected(heard.error());
  const std::vector<std::string> hyp = asr::WordsForScoring(*heard);
  if (hyp.size() < ref.challenge.size()) return std::optional<std::size_t>();
  const std::vector<std::string> code(hyp.end() - static_cast<std::ptrdiff_t>(ref.challenge.size()),
                                      hyp.end());
  return std::optional<std::size_t>(ref.challenge.size() -
                                    MatchInOrder(ref.challenge, code, 0).matched);
}

std::string Fixed(double v) {
  std::ostringstream out;
  out.precision(2);
  out << std::fixed << v;
  return out.str();
}

std::string Joined(const std::vector<std::string>& failures) {
  std::string out;
  for (const std::string& f : failures) out += (out.empty() ? "" : "; ") + f;
  return out;
}

// The transcript's side of the check; fills check.wer and check.challenge_missed.
std::vector<std::string> TranscriptFailures(const ScoringReference& ref,
                                            const std::vector<std::string>& hyp,
                                            const ConsentOptions& options,
                                            const GrammarPass& grammar_pass,
                                            ConsentCheck& check) {
  check.wer = static_cast<double>(SlotErrors(ref, hyp)) /
              static_cast<double>(ref.before.size() + ref.after.size());
  std::vector<std::string> failures;
  if (hyp.empty()) {
    failures.push_back("no speech recognized in the recording");
    return failures;
  }
  if (check.wer > options.max_wer) {
    failures.push_back("transcript does not match the statement (word error rate " +
                       Fixed(check.wer) + " > " + Fixed(options.max_wer) + ")");
  }
  if (const std::string refusal = AddedRefusal(ref, hyp); !refusal.empty()) {
    failures.push_back("transcript contains '" + refusal + "', which the statement does not");
  }
  if (const std::string missing =
          MissingAnchor(ref, hyp, options.max_challenge_misses, grammar_pass,
                        check.challenge_missed);
      !missing.empty()) {
    failures.push_back(missing);
  }
  return failures;
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

Result<std::string> ConsentStatement(std::string_view speaker_name, std::string_view platform_name,
                                     std::string_view challenge) {
  VOX_ASSIGN_OR_RETURN(const std::string name, CleanName(speaker_name, "speaker_name", false));
  VOX_ASSIGN_OR_RETURN(const std::string platform, CleanName(platform_name, "platform_name", true));
  std::string statement = std::string(kStatementHead) + name + std::string(kStatementAgree) +
                          std::string(kStatementUsedBy) + platform + std::string(kStatementPurpose);
  if (!challenge.empty()) {
    VOX_RETURN_IF_ERROR(ValidateConsentChallenge(challenge));
    statement += std::string(kStatementCode) + std::string(challenge) + ".";
  }
  return statement;
}

Status ValidateConsentChallenge(std::string_view challenge) {
  const bool shaped =
      !challenge.empty() && challenge.size() <= kMaxChallengeChars && challenge.front() != ' ' &&
      challenge.back() != ' ' && challenge.find("  ") == std::string_view::npos &&
      std::ranges::all_of(challenge, [](char c) { return c == ' ' || (c >= 'a' && c <= 'z'); });
  if (!shaped) {
    return InvalidArgument("challenge must be 1 to 80 characters of lower-case words", "challenge");
  }
  return {};
}

std::string NewConsentChallenge(int words) {
  std::string challenge;
  for (int i = 0; i < words;) {
    // RandomToken draws uniformly from 62 characters: its digits are uniform over 0..9.
    for (const char c : RandomToken(32)) {
      if (c < '0' || c > '9' || i >= words) continue;
      if (!challenge.empty()) challenge += ' ';
      challenge += kChallengeVocabulary[static_cast<std::size_t>(c - '0')];
      ++i;
    }
  }
  return challenge;
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
  if (max_challenge_misses < 0 || max_challenge_misses > 2) {
    return InvalidArgument("max_challenge_misses must be 0..2", "max_challenge_misses");
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
  Status grammar_status;
  const GrammarPass grammar_pass = [&]() -> std::optional<std::size_t> {
    auto missed = ChallengeMissedByGrammar(ref, recording, transcriber);
    if (!missed) grammar_status = std::unexpected(missed.error());
    return missed.value_or(std::nullopt);
  };

  std::vector<std::string> failures = TranscriptFailures(ref, hyp, options, grammar_pass, check);
  VOX_RETURN_IF_ERROR(grammar_status);

  VOX_ASSIGN_OR_RETURN(check.similarity, ScoreVoice(recording, encoder, sample_embedding,
                                                    options.min_similarity, "", failures));
  if (second && check.similarity) {  // no speech for one encoder is none for the other
    VOX_ASSIGN_OR_RETURN(
        check.source_similarity,
        ScoreVoice(recording, second->encoder, second->sample_embedding,
                   options.min_source_similarity, second->encoder.id() + " ", failures));
  }

  check.passed = failures.empty();
  check.reason = Joined(failures);
  return check;
}

Result<ConsentCheck> CheckConsentTranscript(std::string_view statement, std::string_view transcript,
                                            const ConsentOptions& options) {
  VOX_RETURN_IF_ERROR(options.Validate());
  VOX_ASSIGN_OR_RETURN(const ScoringReference ref, ParseStatement(statement));
  ConsentCheck check;
  check.transcript = std::string(transcript);
  const std::vector<std::string> failures =
      TranscriptFailures(ref, asr::WordsForScoring(transcript), options, GrammarPass(), check);
  check.passed = failures.empty();
  check.reason = Joined(failures);
  return check;
}

}  // namespace vox::voice
