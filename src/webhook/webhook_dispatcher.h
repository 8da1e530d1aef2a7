// WebhookDispatcher: delivers webhooks on a small pool of its own threads, so
// a slow or dead receiver never holds a synthesis worker or an API thread.
//
// Isolation: at most `per_host` attempts run at once to one host:port, and
// hosts with work take turns, so a receiver that accepts and never answers
// ties up at most `per_host` threads for one attempt timeout each, while
// other hosts are served by the rest. A failed attempt is not slept on: it
// waits in a time-ordered retry queue and the thread moves on.
//
// Bounded: deliveries waiting (new or for a retry) are capped at
// `max_queue`; past it new ones are dropped. Every delivery ends counted
// once in vox_webhook_deliveries_total{result="delivered"|"failed"|
// "dropped"}. At shutdown attempts in flight are aborted (within about a
// second) and deliveries still waiting are lost, counted as dropped (see
// README: the job's status stays authoritative; poll it).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "obs/metrics.h"
#include "webhook/webhook.h"

namespace vox::webhook {

// vox_webhook_deliveries_total{result="delivered"|"failed"|"dropped"}.
obs::Family<obs::Counter>& AddWebhookDeliveriesMetric(obs::Registry& registry);

class WebhookDispatcher {
 public:
  // `config` must be valid (Validate()); `deliveries` is the family
  // AddWebhookDeliveriesMetric registered. Starts config.threads threads.
  WebhookDispatcher(WebhookConfig config, obs::Family<obs::Counter>& deliveries);
  ~WebhookDispatcher();  // prompt: see above

  // Queues one delivery of `body` to `url`; never blocks on the network.
  // Thread-safe.
  void Enqueue(std::string url, std::string body);

 private:
  using Clock = std::chrono::steady_clock;
  struct Delivery {
    std::string url;
    std::string body;
    std::string host;  // WebhookUrl::HostKey()
    int attempts = 0;  // made so far
  };
  struct Host {
    std::deque<Delivery> ready;
    int in_flight = 0;
    bool listed = false;  // in runnable_
  };

  void Loop();
  // Under mutex_: moves due retries to their host's ready queue.
  void PromoteDueRetries(Clock::time_point now);
  // Under mutex_: lists `host` in runnable_ when it has work and a free slot,
  // or forgets it when it has neither work nor attempts in flight.
  void Reschedule(const std::string& key);
  void Finish(Delivery delivery, const AttemptResult& result);

  const WebhookSender sender_;
  obs::Family<obs::Counter>& deliveries_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Host> hosts_;
  std::deque<std::string> runnable_;  // hosts to serve next, round robin
  std::multimap<Clock::time_point, Delivery> retries_;
  size_t waiting_ = 0;  // in ready queues and retries_
  std::vector<std::thread> threads_;
};

}  // namespace vox::webhook
