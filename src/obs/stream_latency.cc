#include "obs/stream_latency.h"

namespace vox::obs {

Family<Histogram>& StreamTimeToFirstAudio(Registry& registry) {
  return registry.AddHistogram(
      "vox_stream_time_to_first_audio_seconds",
      "From a streaming request's arrival at the pipeline to its first audio bytes.",
      {"route", "engine"});
}

Family<Histogram>& StreamChunkGap(Registry& registry) {
  return registry.AddHistogram(
      "vox_stream_chunk_gap_seconds",
      "Time between consecutive audio pieces of a stream, as handed to the connection.",
      {"route", "engine"});
}

}  // namespace vox::obs
