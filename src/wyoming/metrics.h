// The Wyoming listener's metrics: requests by route and outcome, time to first
// audio, open connections. Labels come from closed sets.
#pragma once

#include "obs/metrics.h"

namespace vox::wyoming {

struct WyomingMetrics {
  explicit WyomingMetrics(obs::Registry& registry);

  // route: synthesize | stream (one sentence of a stream); outcome: ok | error | canceled
  obs::Family<obs::Counter>& requests;
  // From a synthesize (or a stream's completed sentence) to its first audio-chunk, per route.
  obs::Family<obs::Histogram>& time_to_first_audio;
  obs::Family<obs::Gauge>& connections;
  obs::Family<obs::Counter>& refused;  // reason: connections | protocol
};

}  // namespace vox::wyoming
