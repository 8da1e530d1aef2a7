// Every output format of every speech route (issue #12), against one real `vox serve`: the
// native stream and job routes, OpenAI's /v1/audio/speech and ElevenLabs' text-to-speech each
// speak one short sentence with numbers in a flite voice, in each format they offer. Each
// answer must be what it claims (its Content-Type; container, codec, rate and channels by
// ffprobe; headerless PCM and G.711 by their length against the job's duration), and the
// speech recognizer must hear the sentence in it, as Vox's normalization says it, within a
// bound per format family (set from measurements, with margin: the figures are printed).
//
// The server runs with VOX_WATERMARK=off: the recognizer must get the same samples every time.
// At 8 kHz pocketsphinx's reading depends on where its 10 ms frames fall: this sentence in this
// voice (`vox synth`, unmarked), moved by 1.25 to 25 ms, goes over the G.711 bound for 12 of 20
// shifts, and marked (each job's mark differs) for 3 to 8 of 20 ids at every strength from 0.05
// to 0.20 Np (bench/run.sh watermark_narrowband; DECISIONS #97). Served with marks on, 6 of 20
// G.711 answers went over the bound at the default strength (4 of 5 runs failed) and 7 of 20 at
// 0.10 (5 of 5); unmarked, the answer is always the same samples, heard at 0.11. The mark is
// made before every encoder alike, so it changes nothing else this test judges, and it is judged
// elsewhere (watermark_ tests, after G.711 too; the stream and ElevenLabs e2e tests hear marked
// speech).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "asr/transcriber.h"
#include "asr/wer.h"
#include "support/api_client.h"
#include "support/audio_probe.h"
#include "support/speech_audio.h"
#include "support/vox_process.h"
#include "text/normalizer.h"

namespace vox::testing {
namespace {

using nlohmann::json;

// Eight written words, money and a number among them: a route that skipped normalization
// would be heard wrong. Chosen among ten such sentences as the one pocketsphinx hears best
// at 8 kHz too (sibilants carry little below 4 kHz: "she ran 5 km..." lost three words).
const std::string kSentence = "We paid $20 for 4 bottles of milk.";
const std::string kVoice = "flite-slt";  // 16 kHz

enum class Route { kStream, kJob, kOpenAi, kElevenLabs };

const char* RouteName(Route route) {
  switch (route) {
    case Route::kStream:
      return "stream";
    case Route::kJob:
      return "job";
    case Route::kOpenAi:
      return "openai";
    case Route::kElevenLabs:
      return "elevenlabs";
  }
  return "";
}

struct FormatCase {
  Route route;
  std::string asked;         // the format as the route names it
  std::string content_type;  // what the route must answer
  std::string container;     // ffprobe's format_name, then codec_name; empty: headerless
  std::string codec;
  SpeechEncoding encoding;
  int sample_rate;
  double max_wer;
  int mp3_kbps = 0;  // the bitrate an MP3 must state in its frames; 0: the route names none
};

// Bounds per family, in words of the sentence's nine: the measured WER (printed below) and
// margin for another machine's floating point.
constexpr double kWideband = 2.5 / 9;  // measured 0: lossless, MP3, AAC, Opus at 16 kHz and up
constexpr double kG711 = 3.5 / 9;  // measured 1/9 ("for" heard "or"): nothing above 4 kHz is left

const std::vector<FormatCase> kCases = {
    // POST /v1/tts/stream: the voice's rate, G.711 at 8 kHz.
    {Route::kStream, "pcm", "audio/L16;rate=16000", "", "", SpeechEncoding::kS16le, 16000,
     kWideband},
    {Route::kStream, "wav", "audio/wav", "wav", "pcm_s16le", SpeechEncoding::kContainer, 16000,
     kWideband},
    {Route::kStream, "mp3", "audio/mpeg", "mp3", "mp3", SpeechEncoding::kContainer, 16000,
     kWideband},
    {Route::kStream, "opus", "audio/ogg", "ogg", "opus", SpeechEncoding::kContainer, 16000,
     kWideband},
    {Route::kStream, "aac", "audio/aac", "aac", "aac", SpeechEncoding::kAdts, 16000, kWideband},
    {Route::kStream, "flac", "audio/flac", "flac", "flac", SpeechEncoding::kContainer, 16000,
     kWideband},
    {Route::kStream, "ulaw", "audio/basic", "", "", SpeechEncoding::kUlaw, 8000, kG711},
    {Route::kStream, "alaw", "audio/x-alaw-basic", "", "", SpeechEncoding::kAlaw, 8000, kG711},
    // POST /v1/tts/synthesize, then the audio URL: the file encoders (audio/encode.h), not the
    // stream ones.
    {Route::kJob, "pcm", "audio/L16;rate=16000", "", "", SpeechEncoding::kS16le, 16000, kWideband},
    {Route::kJob, "wav", "audio/wav", "wav", "pcm_s16le", SpeechEncoding::kContainer, 16000,
     kWideband},
    {Route::kJob, "mp3", "audio/mpeg", "mp3", "mp3", SpeechEncoding::kContainer, 16000, kWideband},
    {Route::kJob, "opus", "audio/ogg", "ogg", "opus", SpeechEncoding::kContainer, 16000, kWideband},
    {Route::kJob, "flac", "audio/flac", "flac", "flac", SpeechEncoding::kContainer, 16000,
     kWideband},
    // OpenAI: everything at 24 kHz, pcm headerless.
    {Route::kOpenAi, "mp3", "audio/mpeg", "mp3", "mp3", SpeechEncoding::kContainer, 24000,
     kWideband},
    {Route::kOpenAi, "opus", "audio/opus", "ogg", "opus", SpeechEncoding::kContainer, 24000,
     kWideband},
    {Route::kOpenAi, "aac", "audio/aac", "aac", "aac", SpeechEncoding::kAdts, 24000, kWideband},
    {Route::kOpenAi, "flac", "audio/flac", "flac", "flac", SpeechEncoding::kContainer, 24000,
     kWideband},
    {Route::kOpenAi, "wav", "audio/wav", "wav", "pcm_s16le", SpeechEncoding::kContainer, 24000,
     kWideband},
    {Route::kOpenAi, "pcm", "audio/pcm", "", "", SpeechEncoding::kS16le, 24000, kWideband},
    // ElevenLabs: one output_format of each family.
    {Route::kElevenLabs, "mp3_44100_128", "audio/mpeg", "mp3", "mp3", SpeechEncoding::kContainer,
     44100, kWideband, 128},
    {Route::kElevenLabs, "pcm_16000", "audio/pcm", "", "", SpeechEncoding::kS16le, 16000,
     kWideband},
    {Route::kElevenLabs, "pcm_44100", "audio/pcm", "", "", SpeechEncoding::kS16le, 44100,
     kWideband},
    {Route::kElevenLabs, "wav_22050", "audio/wav", "wav", "pcm_s16le", SpeechEncoding::kContainer,
     22050, kWideband},
    {Route::kElevenLabs, "ulaw_8000", "audio/basic", "", "", SpeechEncoding::kUlaw, 8000, kG711},
    {Route::kElevenLabs, "alaw_8000", "audio/x-alaw-basic", "", "", SpeechEncoding::kAlaw, 8000,
     kG711},
    {Route::kElevenLabs, "opus_48000_64", "audio/ogg", "ogg", "opus", SpeechEncoding::kContainer,
     48000, kWideband},
};

struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  json job;  // the job row, final: duration_s
};

class FormatsHeard : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("VOX_WATERMARK", "off", 1);  // see the top of the file
    server_ = std::make_unique<ServerProcess>(dir_.path() / "data",
                                              std::vector<std::string>{"--workers", "1"});
    const bool started = server_->Start();
    ::unsetenv("VOX_WATERMARK");
    ASSERT_TRUE(started) << server_->output();
  }

  Answer Ask(const FormatCase& c) {
    ApiClient api(server_->port(), server_->admin_key());
    const http::HttpClient::HeaderList json_body = {{"Content-Type", "application/json"}};
    Result<http::ClientResponse> r;
    json job;  // the job route's, known before its audio is fetched
    switch (c.route) {
      case Route::kStream:
        r = api.Call("POST", "/v1/tts/stream",
                     json{{"text", kSentence}, {"voice_id", kVoice}, {"format", c.asked}}.dump(),
                     json_body);
        break;
      case Route::kJob: {
        auto submitted =
            api.Submit({{"text", kSentence}, {"voice_id", kVoice}, {"format", c.asked}});
        if (!submitted || submitted->status != 202) return {};
        job = api.WaitForFinal(submitted->JsonBody().value("job_id", ""));
        r = api.Call("GET", job.value("audio_url", "/none"));
        break;
      }
      case Route::kOpenAi:
        r = api.Call("POST", "/v1/audio/speech",
                     json{{"model", "tts-1"},
                          {"input", kSentence},
                          {"voice", kVoice},
                          {"response_format", c.asked}}
                         .dump(),
                     json_body);
        break;
      case Route::kElevenLabs: {
        ApiClient eleven(server_->port(), "");
        r = eleven.Call("POST", "/v1/text-to-speech/" + kVoice + "?output_format=" + c.asked,
                        json{{"text", kSentence}}.dump(),
                        {{"xi-api-key", server_->admin_key()}, json_body[0]});
        break;
      }
    }
    Answer a;
    if (!r) return a;
    a.status = r->status;
    a.content_type = std::string(r->Header("Content-Type").value_or(""));
    a.body = std::move(r->body);
    // A stream's row is written when it ends.
    const std::string stream_id(r->Header("X-Vox-Job-Id").value_or(""));
    a.job = stream_id.empty() ? job : api.WaitForFinal(stream_id);
    return a;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

// The container and its stream by ffprobe; headerless audio by its length.
void ExpectWhatItClaims(const FormatCase& c, const Answer& a, double duration_s) {
  EXPECT_EQ(a.content_type, c.content_type);
  if (c.container.empty()) {
    const int width = c.encoding == SpeechEncoding::kS16le ? 2 : 1;
    EXPECT_EQ(a.body.size() % width, 0u);
    EXPECT_NEAR(static_cast<double>(a.body.size()) / (width * c.sample_rate), duration_s, 0.05)
        << "bytes for " << c.sample_rate << " Hz";
    return;
  }
  const ProbedAudio probed = ProbeAudio(a.body);
  ASSERT_TRUE(probed.error.empty()) << probed.error;
  EXPECT_EQ(probed.container, c.container);
  EXPECT_EQ(probed.codec, c.codec);
  EXPECT_EQ(probed.channels, 1);
  if (c.mp3_kbps > 0) {
    EXPECT_EQ(probed.bit_rate, c.mp3_kbps * 1000);
  }
  if (c.codec == "opus") {
    EXPECT_EQ(OpusInputRate(a.body), c.sample_rate);
  } else {
    EXPECT_EQ(probed.sample_rate, c.sample_rate);
  }
}

// Pocketsphinx is deterministic: samples it has heard already (a lossless format at the rate
// of an earlier answer, the same G.711 from another route) get the same words without
// another second of decoding. `same_as` names the answer first heard.
class Hearing {
 public:
  explicit Hearing(asr::Transcriber& transcriber) : transcriber_(transcriber) {}
  Result<std::string> Hear(const audio::PcmBuffer& pcm, const std::string& name,
                           std::string& same_as) {
    auto key = std::make_pair(pcm.sample_rate, pcm.samples);
    if (auto it = heard_.find(key); it != heard_.end()) {
      same_as = it->second.first;
      return it->second.second;
    }
    same_as.clear();
    VOX_ASSIGN_OR_RETURN(std::string words, transcriber_.Transcribe(pcm));
    heard_.emplace(std::move(key), std::make_pair(name, words));
    return words;
  }

 private:
  asr::Transcriber& transcriber_;
  std::map<std::pair<int, std::vector<float>>, std::pair<std::string, std::string>> heard_;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_F(FormatsHeard, EveryFormatOfEveryRouteIsWhatItSaysAndIsHeard) {
  auto transcriber = asr::Transcriber::Create({});
  ASSERT_TRUE(transcriber) << transcriber.error().ToString();
  Hearing hearing(**transcriber);
  const auto spoken = text::Normalize(kSentence);
  ASSERT_TRUE(spoken);
  for (const FormatCase& c : kCases) {
    const std::string name = std::string(RouteName(c.route)) + "/" + c.asked;
    SCOPED_TRACE(name);
    const auto asked = std::chrono::steady_clock::now();
    const Answer a = Ask(c);
    ASSERT_EQ(a.status, 200) << a.body.substr(0, 300);
    ASSERT_EQ(a.job.value("status", ""), "done") << a.job.dump();
    const double duration_s = a.job.value("duration_s", 0.0);
    const double answered_s = SecondsSince(asked);
    ExpectWhatItClaims(c, a, duration_s);
    auto pcm = DecodeSpeech(a.body, c.encoding, c.sample_rate);
    ASSERT_TRUE(pcm) << pcm.error().ToString();
    // Codec delay and padding (an MP3 or AAC frame each end) and no more.
    EXPECT_NEAR(pcm->duration_s(), duration_s, 0.15);
    const auto heard_at = std::chrono::steady_clock::now();
    std::string same_as;
    auto heard = hearing.Hear(*pcm, name, same_as);
    ASSERT_TRUE(heard) << heard.error().ToString();
    const double wer = asr::WordErrors(*spoken, *heard).wer();
    std::printf(
        "[formats] %-24s %5d Hz %6zu B %.2f s  wer %.3f (bound %.3f)  answer %.2f s, checks "
        "%.2f s, asr %.2f s%s  heard: %s\n",
        name.c_str(), c.sample_rate, a.body.size(), duration_s, wer, c.max_wer, answered_s,
        std::chrono::duration<double>(heard_at - asked).count() - answered_s,
        SecondsSince(heard_at), same_as.empty() ? "" : (" (samples of " + same_as + ")").c_str(),
        heard->c_str());
    EXPECT_LE(wer, c.max_wer) << "heard: " << *heard << "\nsaid: " << *spoken;
  }
}

}  // namespace
}  // namespace vox::testing
