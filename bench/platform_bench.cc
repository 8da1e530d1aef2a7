// Client side of the platform benchmarks (bench/platform.sh starts the servers and runs wrk).
// Talks to a running `vox serve` over loopback HTTP and prints one JSON object on stdout.
//
//   platform_bench latency    PORT KEY JOBS         sequential short jobs, submit-to-done, beside
//                                                  Synthesizer::Prepare+Run of the same texts
//   platform_bench throughput PORT KEY JOBS CONC [TAG]  medium jobs, CONC submitters: audio s /
//                                                  wall s (a new TAG for each run on one server)
//   platform_bench jobs       PORT KEY JOBS CONC TAG  short distinct jobs, all waited for
//   platform_bench make-job   PORT KEY              one finished job; prints its id (for wrk)
//   platform_bench pickup     PORT KEY JOBS TAG     sequential short jobs on idle workers: the
//                                                  submit round trip and the queue pick-up
//                                                  latency (created_at -> started_at)
//
// Every wait is bounded: a job not done within kJobTimeout fails the run (exit 1).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/testing/test_client.h"
#include "engines/engine_registry.h"
#include "engines/synthesizer.h"

namespace {
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using vox::http::HttpClient;

constexpr auto kJobTimeout = std::chrono::seconds(120);
const char* kVoice = "flite-slt";

std::string ShortText(const std::string& tag, int i) {
  return "The quick brown fox number " + std::to_string(i) + " " + tag +
         " jumps over the lazy dog.";
}

std::string MediumText(const std::string& tag, int i) {
  return "Vox turns text into natural speech on a single machine, and " + tag + " request number " +
         std::to_string(i) +
         " is split into sentences, normalized, synthesized and encoded before it is stored.";
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

// "2026-11-24T22:45:01.123Z" → unix milliseconds; -1 when absent or malformed.
int64_t ParseIsoMs(const json& value) {
  if (!value.is_string()) return -1;
  std::tm tm{};
  int ms = 0;
  const std::string s = value.get<std::string>();
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

struct Session {
  HttpClient client;
  HttpClient::HeaderList auth;
  Session(uint16_t port, const std::string& key)
      : client("127.0.0.1", port, std::chrono::seconds(30)),
        auth{{"Authorization", "Bearer " + key}} {}

  // Returns the job id, or an empty string (with a message on stderr) on failure.
  std::string Submit(const std::string& text, const char* format = "wav") {
    json body = {{"text", text}, {"voice_id", kVoice}, {"format", format}};
    auto headers = auth;
    headers.emplace_back("Content-Type", "application/json");
    auto r = client.Request("POST", "/v1/tts/synthesize", body.dump(), headers);
    if (!r || r->status != 202) {
      std::cerr << "submit failed: " << (r ? r->body : r.error().ToString()) << "\n";
      return {};
    }
    return r->JsonBody().value("job_id", "");
  }

  json Get(const std::string& id) {
    auto r = client.Request("GET", "/v1/tts/job/" + id, {}, auth);
    if (!r || r->status != 200) return json();
    return r->JsonBody();
  }

  // Polls every `interval` until the job ends; a null json on failure or timeout.
  json Wait(const std::string& id, std::chrono::microseconds interval) {
    auto deadline = Clock::now() + kJobTimeout;
    while (Clock::now() < deadline) {
      json job = Get(id);
      if (job.is_null()) return job;
      std::string status = job.value("status", "");
      if (status == "done") return job;
      if (status == "failed" || status == "canceled") {
        std::cerr << "job " << id << " ended " << status << ": " << job.dump() << "\n";
        return json();
      }
      std::this_thread::sleep_for(interval);
    }
    std::cerr << "job " << id << " not done within the timeout\n";
    return json();
  }
};

int Latency(uint16_t port, const std::string& key, int jobs) {
  // The engine's own time for the same texts, in this process, measured first.
  auto registry = vox::engines::EngineRegistry::Create({});
  if (!registry) {
    std::cerr << registry.error().ToString() << "\n";
    return 1;
  }
  vox::engines::Synthesizer synth(**registry);
  std::vector<double> engine_ms;
  for (int i = 0; i < jobs; ++i) {
    auto start = Clock::now();
    // The very sentences the platform will get: the in-process run does not
    // touch the platform's cache, so the jobs below still synthesize.
    auto plan = synth.Prepare(ShortText("platform", i), kVoice, {}, {});
    if (!plan) return 1;
    auto status = synth.Run(*plan, [](const vox::audio::PcmBuffer&) -> vox::Status { return {}; });
    if (!status) return 1;
    engine_ms.push_back(Seconds(Clock::now() - start) * 1000);
  }

  Session s(port, key);
  std::vector<double> polled_ms, server_ms;
  double audio_s = 0;
  for (int i = 0; i < jobs; ++i) {
    auto start = Clock::now();
    std::string id = s.Submit(ShortText("platform", i));
    if (id.empty()) return 1;
    // Polling every 2 ms keeps the observer's own load (requests competing with
    // synthesis for the 2 cores) small; platform_server_ms does not depend on it.
    json job = s.Wait(id, std::chrono::microseconds(2000));
    if (job.is_null()) return 1;
    polled_ms.push_back(Seconds(Clock::now() - start) * 1000);
    server_ms.push_back(static_cast<double>(ParseIsoMs(job["finished_at"]) -
                                            ParseIsoMs(job["created_at"])));
    audio_s += job.value("duration_s", 0.0);
  }
  double engine_p50 = Percentile(engine_ms, 0.5);
  json out = {
      {"benchmark", "submit_to_done_latency"},
      {"jobs", jobs},
      {"voice", kVoice},
      {"format", "wav"},
      {"mean_audio_s", audio_s / jobs},
      {"engine_inproc_ms", {{"p50", engine_p50}, {"p90", Percentile(engine_ms, 0.9)}}},
      {"platform_polled_ms",
       {{"p50", Percentile(polled_ms, 0.5)}, {"p90", Percentile(polled_ms, 0.9)}}},
      {"platform_server_ms",
       {{"p50", Percentile(server_ms, 0.5)}, {"p90", Percentile(server_ms, 0.9)}}},
      {"overhead_ms_polled", Percentile(polled_ms, 0.5) - engine_p50},
      {"overhead_ms_server", Percentile(server_ms, 0.5) - engine_p50},
      {"target_overhead_ms", 10},
  };
  std::cout << out.dump() << std::endl;
  return 0;
}

// CONC threads share `jobs` submissions; each submits one job and waits for it, then the next.
struct BatchResult {
  bool ok = true;
  double audio_s = 0;
  int64_t first_created_ms = INT64_MAX, last_finished_ms = 0;
  double wall_s = 0;
};

BatchResult RunBatch(uint16_t port, const std::string& key, int jobs, int conc,
                     const std::function<std::string(int)>& text,
                     std::chrono::milliseconds poll) {
  BatchResult result;
  std::mutex mu;
  std::atomic<int> next{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < conc; ++t) {
    threads.emplace_back([&] {
      Session s(port, key);
      for (int i = next++; i < jobs; i = next++) {
        std::string id = s.Submit(text(i));
        json job = id.empty() ? json() : s.Wait(id, poll);
        std::lock_guard lock(mu);
        if (job.is_null()) {
          result.ok = false;
          return;
        }
        result.audio_s += job.value("duration_s", 0.0);
        result.first_created_ms = std::min(result.first_created_ms, ParseIsoMs(job["created_at"]));
        result.last_finished_ms = std::max(result.last_finished_ms, ParseIsoMs(job["finished_at"]));
      }
    });
  }
  for (auto& t : threads) t.join();
  result.wall_s = Seconds(Clock::now() - start);
  return result;
}

int Throughput(uint16_t port, const std::string& key, int jobs, int conc, const std::string& tag) {
  // A tag per run keeps a later run on the same server from hitting the cache.
  BatchResult r = RunBatch(
      port, key, jobs, conc, [&](int i) { return MediumText(tag, i); },
      std::chrono::milliseconds(20));
  if (!r.ok) return 1;
  double server_wall_s = static_cast<double>(r.last_finished_ms - r.first_created_ms) / 1000;
  json out = {{"jobs", jobs},
              {"submitters", conc},
              {"audio_s", r.audio_s},
              {"client_wall_s", r.wall_s},
              {"server_wall_s", server_wall_s},
              {"audio_s_per_wall_s", r.audio_s / server_wall_s}};
  std::cout << out.dump() << std::endl;
  return 0;
}

int Jobs(uint16_t port, const std::string& key, int jobs, int conc, const std::string& tag) {
  BatchResult r = RunBatch(
      port, key, jobs, conc, [&](int i) { return ShortText(tag, i); },
      std::chrono::milliseconds(20));
  if (!r.ok) return 1;
  std::cout << json{{"jobs", jobs}, {"wall_s", r.wall_s}, {"audio_s", r.audio_s}}.dump()
            << std::endl;
  return 0;
}

int MakeJob(uint16_t port, const std::string& key) {
  Session s(port, key);
  std::string id = s.Submit("A job to read back, over and over.");
  if (id.empty() || s.Wait(id, std::chrono::milliseconds(5)).is_null()) return 1;
  std::cout << id << std::endl;
  return 0;
}

int Pickup(uint16_t port, const std::string& key, int jobs, const std::string& tag) {
  Session s(port, key);
  std::vector<double> submit_ms, pickup_ms;
  for (int i = 0; i < jobs; ++i) {
    auto start = Clock::now();
    std::string id = s.Submit(ShortText(tag, i));
    if (id.empty()) return 1;
    submit_ms.push_back(Seconds(Clock::now() - start) * 1000);
    json job = s.Wait(id, std::chrono::microseconds(2000));
    if (job.is_null()) return 1;
    pickup_ms.push_back(static_cast<double>(ParseIsoMs(job["started_at"]) -
                                            ParseIsoMs(job["created_at"])));
  }
  auto summary = [](const std::vector<double>& v) {
    return json{{"p50", Percentile(v, 0.5)}, {"p99", Percentile(v, 0.99)}};
  };
  std::cout << json{{"jobs", jobs}, {"submit_ms", summary(submit_ms)},
                    {"pickup_ms", summary(pickup_ms)}}.dump()
            << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: platform_bench latency|throughput|jobs|make-job|pickup PORT KEY"
                 " [JOBS [CONC [TAG]]]\n";
    return 2;
  }
  const std::string mode = argv[1];
  const auto port = static_cast<uint16_t>(std::atoi(argv[2]));
  const std::string key = argv[3];
  const int jobs = argc > 4 ? std::max(1, std::atoi(argv[4])) : 50;
  const int conc = argc > 5 ? std::clamp(std::atoi(argv[5]), 1, 256) : 32;
  const std::string tag = argc > 6 ? argv[6] : "batch";
  if (mode == "latency") return Latency(port, key, jobs);
  if (mode == "throughput") return Throughput(port, key, jobs, conc, tag);
  if (mode == "jobs") return Jobs(port, key, jobs, conc, tag);
  if (mode == "make-job") return MakeJob(port, key);
  if (mode == "pickup") return Pickup(port, key, jobs, argc > 5 ? argv[5] : "pickup");
  std::cerr << "unknown mode: " << mode << "\n";
  return 2;
}
