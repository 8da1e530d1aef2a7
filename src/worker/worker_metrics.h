// The worker's metrics, registered once in the process's registry.
#pragma once

#include "obs/metrics.h"

namespace vox::worker {

struct WorkerMetrics {
  explicit WorkerMetrics(obs::Registry& r)
      : jobs_finished(r.AddCounter("vox_jobs_finished_total", "Jobs that reached a final state.",
                                   {"status"})),
        job_retries(r.AddCounter("vox_job_retries_total", "Transient job failures retried.")),
        stage_seconds(r.AddHistogram("vox_job_stage_duration_seconds",
                                     "Time jobs spent in each pipeline stage.", {"stage"})),
        realtime_factor(r.AddHistogram("vox_synthesis_realtime_factor",
                                       "Synthesis wall time divided by audio duration.", {"engine"},
                                       {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5})),
        audio_seconds(r.AddCounter("vox_audio_seconds_total", "Audio seconds produced.")),
        cache_hits(
            r.AddCounter("vox_cache_hits_total", "Jobs served from the audio cache.", {"where"})),
        voice_creations(r.AddCounter("vox_voice_creations_finished_total",
                                     "Voice creation jobs finished by workers.", {"outcome"})),
        errors(r.AddCounter("vox_errors_total", "Degraded paths taken, by kind.", {"kind"})),
        model_jobs(r.AddCounter("vox_model_jobs_total",
                                "Synthesis jobs that reached a final state, by model version "
                                "(a canary next to its stable version).",
                                {"model_version", "status"})),
        model_realtime_factor(r.AddHistogram(
            "vox_model_realtime_factor", "Synthesis wall time divided by audio duration.",
            {"model_version"}, {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5})),
        disk_free_bytes(r.AddGauge("vox_worker_disk_free_bytes",
                                   "Free bytes where the worker writes its temporary files.")),
        disk_low(r.AddGauge("vox_worker_disk_low",
                            "1 while free disk is under VOX_MIN_FREE_DISK_MB (no claims).")) {}

  obs::Family<obs::Counter>& jobs_finished;
  obs::Family<obs::Counter>& job_retries;
  obs::Family<obs::Histogram>& stage_seconds;
  obs::Family<obs::Histogram>& realtime_factor;
  obs::Family<obs::Counter>& audio_seconds;
  obs::Family<obs::Counter>& cache_hits;
  obs::Family<obs::Counter>& voice_creations;  // ready | rejected
  obs::Family<obs::Counter>& errors;
  obs::Family<obs::Counter>& model_jobs;  // model_version: Job::model_version
  obs::Family<obs::Histogram>& model_realtime_factor;
  obs::Family<obs::Gauge>& disk_free_bytes;
  obs::Family<obs::Gauge>& disk_low;
};

}  // namespace vox::worker
