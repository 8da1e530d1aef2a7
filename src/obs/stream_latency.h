// The latency histograms every streaming route shares, labelled {route, engine}: the HTTP
// streams and the WebSocket (api::StreamService) and Wyoming (wyoming::Session) observe the
// same two families, so one query covers every route. Each module registers them through
// these functions; Registry::AddHistogram hands a family already registered under a name
// back, so the order in which modules start does not matter.
#pragma once

#include "obs/metrics.h"

namespace vox::obs {

// vox_stream_time_to_first_audio_seconds{route,engine}: from a request's arrival at the
// pipeline to its first audio handed to the connection.
Family<Histogram>& StreamTimeToFirstAudio(Registry& registry);
// vox_stream_chunk_gap_seconds{route,engine}: between consecutive audio pieces of a stream,
// as handed to the connection.
Family<Histogram>& StreamChunkGap(Registry& registry);

}  // namespace vox::obs
