// EspeakSession: the one way into libespeak-ng in this process.
//
// libespeak-ng is one process-wide state machine (current voice, parameters,
// output buffer, the clause reader's look-ahead), so every module that calls
// it (the espeak-ng engine, the Piper phonemizer) does so while holding an
// EspeakSession: it owns the process-wide mutex, initializes the library once
// (synchronous mode) and remembers which voice is selected, so that one user
// never speaks or phonemizes with the voice another left behind.
#pragma once

#include <mutex>
#include <string>

#include "common/status.h"

namespace vox::engines {

class EspeakSession {
 public:
  // Locks the library (blocking) and initializes it on first use with
  // `data_dir` (an espeak-ng-data directory or its parent; empty: the
  // library's default). Unavailable if the data cannot be loaded;
  // FailedPrecondition if the process already initialized it with another
  // directory.
  static Result<EspeakSession> Open(const std::string& data_dir);
  // Open() that accepts whatever directory the process initialized with
  // (the library's default when this is the first use).
  static Result<EspeakSession> OpenAny();

  EspeakSession(EspeakSession&&) = default;
  EspeakSession& operator=(EspeakSession&&) = default;

  // Selects an espeak voice ("en-us", "de+f3"); nothing to do when it is the
  // current one. The library queues each switch (with a copy of the voice)
  // until its next synthesis; an empty synthesis here (microseconds) applies
  // it at once, so that phonemizing with many voices and no audio neither
  // leaks those copies nor overflows that queue. Internal if the voice is
  // unknown.
  Status SelectVoice(const std::string& name);

  const std::string& version() const;
  int sample_rate() const;

 private:
  explicit EspeakSession(std::unique_lock<std::mutex> lock) : lock_(std::move(lock)) {}
  std::unique_lock<std::mutex> lock_;
};

}  // namespace vox::engines
