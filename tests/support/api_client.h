// Helpers for end-to-end API tests: an authenticated JSON client on top of
// the HTTP core's test client, and a poll-until-final loop.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "http/testing/test_client.h"

namespace vox::testing {

class ApiClient {
 public:
  ApiClient(uint16_t port, std::string key)
      : http_("127.0.0.1", port, std::chrono::seconds(30)), key_(std::move(key)) {}

  Result<http::ClientResponse> Submit(const nlohmann::json& body,
                                      http::HttpClient::HeaderList extra = {}) {
    extra.emplace_back("Content-Type", "application/json");
    return Call("POST", "/v1/tts/synthesize", body.dump(), std::move(extra));
  }

  Result<http::ClientResponse> Call(std::string_view method, std::string_view target,
                                    std::string_view body = {},
                                    http::HttpClient::HeaderList headers = {}) {
    if (!key_.empty()) headers.emplace_back("Authorization", "Bearer " + key_);
    return http_.Request(method, target, body, headers);
  }

  // Polls the job until it reaches done, failed or canceled (or the timeout).
  nlohmann::json WaitForFinal(const std::string& job_id,
                              std::chrono::seconds timeout = std::chrono::seconds(120)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    nlohmann::json job;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = Call("GET", "/v1/tts/job/" + job_id);
      if (r && r->status == 200) {
        job = r->JsonBody();
        std::string status = job.value("status", "");
        if (status == "done" || status == "failed" || status == "canceled") return job;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return job;
  }

  // Polls a voice until it is no longer processing (a worker made it ready,
  // or rejected it), or the timeout; returns the last answer's body.
  nlohmann::json WaitForVoice(const std::string& voice_id,
                              std::chrono::seconds timeout = std::chrono::seconds(180)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    nlohmann::json voice;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = Call("GET", "/v1/voices/" + voice_id);
      if (r && r->status == 200) {
        voice = r->JsonBody();
        if (voice.value("status", "") != "processing") return voice;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return voice;
  }

  http::HttpClient& http() { return http_; }

 private:
  http::HttpClient http_;
  std::string key_;
};

}  // namespace vox::testing
