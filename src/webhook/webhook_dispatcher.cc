#include "webhook/webhook_dispatcher.h"

#include <spdlog/spdlog.h>

namespace vox::webhook {

obs::Family<obs::Counter>& AddWebhookDeliveriesMetric(obs::Registry& registry) {
  return registry.AddCounter("vox_webhook_deliveries_total", "Webhook deliveries by result.",
                             {"result"});
}

WebhookDispatcher::WebhookDispatcher(WebhookSender sender, obs::Family<obs::Counter>& deliveries,
                                     size_t max_queue)
    : sender_(std::move(sender)), deliveries_(deliveries), max_queue_(max_queue),
      thread_([this] { Loop(); }) {}

WebhookDispatcher::~WebhookDispatcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WebhookDispatcher::Enqueue(std::string url, std::string body) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queue_) {
      deliveries_.With({"dropped"}).Inc();
      return;
    }
    queue_.emplace_back(std::move(url), std::move(body));
  }
  cv_.notify_one();
}

void WebhookDispatcher::Loop() {
  for (;;) {
    std::pair<std::string, std::string> item;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    auto result = sender_.Deliver(item.first, item.second);
    deliveries_.With({result ? "delivered" : "failed"}).Inc();
    if (!result) spdlog::warn("webhook delivery failed: {}", result.error().ToString());
  }
}

}  // namespace vox::webhook
