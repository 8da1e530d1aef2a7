#include "wyoming/metrics.h"

#include "obs/stream_latency.h"

namespace vox::wyoming {

WyomingMetrics::WyomingMetrics(obs::Registry& registry)
    : requests(registry.AddCounter("vox_wyoming_requests_total",
                                   "Wyoming syntheses by route and outcome.",
                                   {"route", "outcome"})),
      stream_first_audio(obs::StreamTimeToFirstAudio(registry)),
      stream_chunk_gap(obs::StreamChunkGap(registry)),
      connections(registry.AddGauge("vox_wyoming_connections", "Open Wyoming connections.")),
      refused(registry.AddCounter("vox_wyoming_refused_total",
                                  "Wyoming connections closed by the server: over the "
                                  "connection limit, or a protocol violation.",
                                  {"reason"})) {}

}  // namespace vox::wyoming
