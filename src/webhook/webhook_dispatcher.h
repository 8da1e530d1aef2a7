// WebhookDispatcher: delivers webhooks on its own thread, so a slow or dead
// receiver never holds a synthesis worker. Bounded: when its queue is full,
// new deliveries are dropped and counted (vox_webhook_deliveries_total{result=
// "dropped"}). Deliveries still queued at shutdown are lost (see README: the
// job's status stays authoritative; poll it).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "webhook/webhook.h"
#include "obs/metrics.h"

namespace vox::webhook {

// vox_webhook_deliveries_total{result="delivered"|"failed"|"dropped"}.
obs::Family<obs::Counter>& AddWebhookDeliveriesMetric(obs::Registry& registry);

class WebhookDispatcher {
 public:
  // `deliveries` is the family AddWebhookDeliveriesMetric registered.
  WebhookDispatcher(WebhookSender sender, obs::Family<obs::Counter>& deliveries,
                    size_t max_queue = 10'000);
  ~WebhookDispatcher();  // stops after the delivery in progress

  void Enqueue(std::string url, std::string body);

 private:
  void Loop();

  WebhookSender sender_;
  obs::Family<obs::Counter>& deliveries_;
  const size_t max_queue_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, std::string>> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace vox::webhook
