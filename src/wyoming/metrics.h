// The Wyoming listener's metrics: requests by route and outcome, time to first
// audio and the gaps between chunks, open connections. Labels come from closed sets.
#pragma once

#include "obs/metrics.h"

namespace vox::wyoming {

struct WyomingMetrics {
  explicit WyomingMetrics(obs::Registry& registry);

  // route: synthesize | stream (one sentence of a stream); outcome: ok | error | canceled
  obs::Family<obs::Counter>& requests;
  // The families every streaming route shares (obs/stream_latency.h), labelled
  // {route: wyoming/synthesize | wyoming/stream, engine}: from a synthesize (or a stream's
  // completed sentence) to its first audio-chunk, and the gaps between a synthesis'
  // consecutive audio-chunks.
  obs::Family<obs::Histogram>& stream_first_audio;
  obs::Family<obs::Histogram>& stream_chunk_gap;
  obs::Family<obs::Gauge>& connections;
  obs::Family<obs::Counter>& refused;  // reason: connections | protocol
};

}  // namespace vox::wyoming
