#include "webhook/webhook_dispatcher.h"

#include <spdlog/spdlog.h>

#include "webhook/ssrf_guard.h"

namespace vox::webhook {

obs::Family<obs::Counter>& AddWebhookDeliveriesMetric(obs::Registry& registry) {
  return registry.AddCounter("vox_webhook_deliveries_total", "Webhook deliveries by result.",
                             {"result"});
}

WebhookDispatcher::WebhookDispatcher(WebhookConfig config, obs::Family<obs::Counter>& deliveries)
    : sender_(std::move(config)), deliveries_(deliveries) {
  for (int i = 0; i < sender_.config().threads; ++i) threads_.emplace_back([this] { Loop(); });
}

WebhookDispatcher::~WebhookDispatcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;  // also aborts attempts in flight (WebhookSender::Attempt)
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  if (waiting_ > 0) {
    spdlog::warn("webhook: {} queued deliveries lost at shutdown", waiting_);
    deliveries_.With({"dropped"}).Inc(static_cast<double>(waiting_));
  }
}

void WebhookDispatcher::Enqueue(std::string url, std::string body) {
  auto parsed = ParseWebhookUrl(url);
  if (!parsed) {  // checked at submit; only a changed rule gets here
    spdlog::warn("webhook delivery failed: {}", parsed.error().ToString());
    deliveries_.With({"failed"}).Inc();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (stop_ || waiting_ >= sender_.config().max_queue) {
      deliveries_.With({"dropped"}).Inc();
      return;
    }
    std::string key = parsed->HostKey();
    hosts_[key].ready.push_back({std::move(url), std::move(body), key, 0});
    ++waiting_;
    Reschedule(key);
  }
  cv_.notify_one();
}

void WebhookDispatcher::Reschedule(const std::string& key) {
  auto it = hosts_.find(key);
  Host& host = it->second;
  if (!host.listed && !host.ready.empty() && host.in_flight < sender_.config().per_host) {
    host.listed = true;
    runnable_.push_back(key);
  } else if (host.ready.empty() && host.in_flight == 0) {
    hosts_.erase(it);
  }
}

void WebhookDispatcher::PromoteDueRetries(Clock::time_point now) {
  while (!retries_.empty() && retries_.begin()->first <= now) {
    Delivery d = std::move(retries_.begin()->second);
    retries_.erase(retries_.begin());
    std::string key = d.host;
    hosts_[key].ready.push_back(std::move(d));
    Reschedule(key);
  }
}

void WebhookDispatcher::Finish(Delivery delivery, const AttemptResult& result) {
  const WebhookConfig& config = sender_.config();
  switch (result.outcome) {
    case AttemptResult::kDelivered:
      deliveries_.With({"delivered"}).Inc();
      return;
    case AttemptResult::kCanceled:
      deliveries_.With({"dropped"}).Inc();
      return;
    case AttemptResult::kRetry:
      if (delivery.attempts < config.max_attempts) {
        auto due = Clock::now() + config.RetryDelay(delivery.attempts);
        retries_.emplace(due, std::move(delivery));
        ++waiting_;
        cv_.notify_all();  // idle threads may be waiting for a later retry
        return;
      }
      break;
    case AttemptResult::kRefused:
      break;
  }
  deliveries_.With({"failed"}).Inc();
  spdlog::warn("webhook delivery to {} failed after {} attempt(s): {}", delivery.host,
               delivery.attempts, result.error);
}

void WebhookDispatcher::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    PromoteDueRetries(Clock::now());
    if (runnable_.empty()) {
      if (retries_.empty()) {
        cv_.wait(lock);
      } else {
        cv_.wait_until(lock, retries_.begin()->first);
      }
      continue;
    }
    std::string key = std::move(runnable_.front());
    runnable_.pop_front();
    Host& host = hosts_.at(key);  // stays: in_flight > 0 keeps it in hosts_
    host.listed = false;
    Delivery delivery = std::move(host.ready.front());
    host.ready.pop_front();
    --waiting_;
    ++host.in_flight;
    ++delivery.attempts;
    Reschedule(key);  // back of the line, when it has more and a free slot
    if (!runnable_.empty()) cv_.notify_one();

    lock.unlock();
    AttemptResult result = sender_.Attempt(delivery.url, delivery.body, &stop_);
    lock.lock();

    --host.in_flight;
    Finish(std::move(delivery), result);
    Reschedule(key);
  }
}

}  // namespace vox::webhook
