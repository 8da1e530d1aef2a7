// The dispatcher against real receivers on loopback: a healthy HTTP server
// and a socket that accepts connections and never answers.
#include "webhook/webhook_dispatcher.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <map>

#include "http/testing/test_server.h"

namespace vox::webhook {
namespace {

using Clock = std::chrono::steady_clock;
using http::testing::WaitFor;
using std::chrono::milliseconds;

// Accepts every connection and keeps it open without reading or answering.
class SilentReceiver {
 public:
  SilentReceiver() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 64), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) != 1) continue;
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        std::lock_guard lock(mutex_);
        if (c >= 0) held_.push_back(c);
      }
    });
  }
  ~SilentReceiver() {
    stop_ = true;
    thread_.join();
    for (int c : held_) ::close(c);
    ::close(fd_);
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  size_t accepted() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<int> held_;
  std::thread thread_;
};

// An HTTP receiver that records when each body arrived, with its signature.
// /ok answers 200, /flaky 503 the first time then 200, /gone 404.
class Receiver {
 public:
  Receiver() : server_(MakeRouter()) {}
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  struct Arrival {
    std::string path, body, signature;
    Clock::time_point at;
  };
  std::vector<Arrival> arrivals() {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }
  size_t count(const std::string& path) {
    size_t n = 0;
    for (const auto& a : arrivals()) n += a.path == path;
    return n;
  }

 private:
  http::Router MakeRouter() {
    http::Router router;
    for (const char* path : {"/ok", "/flaky", "/gone"}) {
      EXPECT_TRUE(router.Add("POST", path, [this](http::Request& r, http::Responder respond) {
        std::lock_guard lock(mutex_);
        arrivals_.push_back(
            {r.path, r.body, std::string(r.Header("X-Vox-Signature").value_or("")), Clock::now()});
        bool first_flaky = r.path == "/flaky" && count_locked("/flaky") == 1;
        int status = r.path == "/gone" ? 404 : first_flaky ? 503 : 200;
        respond(http::Json(status, {{"ok", status == 200}}));
      }));
    }
    return router;
  }
  size_t count_locked(const std::string& path) {
    size_t n = 0;
    for (const auto& a : arrivals_) n += a.path == path;
    return n;
  }

  std::mutex mutex_;
  std::vector<Arrival> arrivals_;
  http::testing::TestServer server_;  // last: stops before what its handlers touch
};

WebhookConfig LoopbackConfig() {
  WebhookConfig config;
  config.secret = "dispatcher-test-secret";
  config.allow_private = true;
  config.initial_backoff = milliseconds(50);
  return config;
}

double Count(obs::Family<obs::Counter>& family, const char* result) {
  return family.With({result}).value();
}

class WebhookDispatcherTest : public ::testing::Test {
 protected:
  obs::Registry registry;  // outlives each test's dispatcher
  obs::Family<obs::Counter>& deliveries = AddWebhookDeliveriesMetric(registry);
};

// The attack from the security review: one tenant's receiver accepts and never
// answers; another tenant's webhooks must not wait behind it.
TEST_F(WebhookDispatcherTest, HealthyHostIsServedWhileASilentOneIsRetried) {
  SilentReceiver silent;
  Receiver healthy;
  WebhookConfig config = LoopbackConfig();
  config.timeout = milliseconds(1500);
  config.max_attempts = 3;
  config.threads = 4;
  config.per_host = 2;
  ASSERT_TRUE(config.Validate());
  WebhookDispatcher dispatcher(config, deliveries);

  for (int i = 0; i < 6; ++i)
    dispatcher.Enqueue(silent.Url(), R"({"n":)" + std::to_string(i) + "}");
  ASSERT_TRUE(WaitFor([&] { return silent.accepted() >= 2; }));  // the silent host holds its slots
  std::map<std::string, Clock::time_point> sent;
  for (int i = 0; i < 6; ++i) {
    std::string body = R"({"healthy":)" + std::to_string(i) + "}";
    sent[body] = Clock::now();
    dispatcher.Enqueue(healthy.Url("/ok"), body);
  }
  ASSERT_TRUE(WaitFor([&] { return healthy.count("/ok") == 6; }, config.timeout));
  milliseconds worst{0};
  for (const auto& a : healthy.arrivals()) {
    worst = std::max(worst, std::chrono::duration_cast<milliseconds>(a.at - sent.at(a.body)));
  }
  std::cout << "healthy receiver: slowest of 6 webhooks arrived " << worst.count()
            << " ms after enqueue, with a silent receiver holding " << silent.accepted()
            << " connection(s); attempt timeout " << config.timeout.count() << " ms\n";
  EXPECT_LT(worst, config.timeout);
  // Never more than per_host attempts at the silent host before the first timed out.
  EXPECT_EQ(silent.accepted(), 2u);
  // The silent host is still served: its timed-out attempts are retried.
  EXPECT_TRUE(WaitFor([&] { return silent.accepted() >= 4; }, 3 * config.timeout));
  EXPECT_EQ(Count(deliveries, "delivered"), 6);
}

// With one thread a sleeping retry would hold everything: a failed attempt
// must wait in the retry queue while the thread serves the next delivery.
TEST_F(WebhookDispatcherTest, RetriesWaitInTheQueueNotOnTheThread) {
  SilentReceiver silent;
  Receiver healthy;
  WebhookConfig config = LoopbackConfig();
  config.timeout = milliseconds(500);
  config.initial_backoff = 5 * config.timeout;
  config.max_attempts = 2;
  config.threads = 1;
  config.per_host = 1;
  WebhookDispatcher dispatcher(config, deliveries);

  auto start = Clock::now();
  dispatcher.Enqueue(silent.Url(), "{}");
  ASSERT_TRUE(WaitFor([&] { return silent.accepted() == 1; }));
  dispatcher.Enqueue(healthy.Url("/ok"), R"({"healthy":true})");
  ASSERT_TRUE(WaitFor([&] { return healthy.count("/ok") == 1; }, 4 * config.timeout));
  auto latency = std::chrono::duration_cast<milliseconds>(healthy.arrivals()[0].at - start);
  // One attempt timeout, not timeout + backoff + timeout as a sleeping sender would take.
  EXPECT_LT(latency, 2 * config.timeout) << latency.count() << " ms";
  EXPECT_EQ(silent.accepted(), 1u);
  // Then the retry comes due, times out too, and the delivery is given up.
  ASSERT_TRUE(WaitFor([&] { return Count(deliveries, "failed") == 1; },
                      config.initial_backoff + 4 * config.timeout));
  EXPECT_EQ(silent.accepted(), 2u);
  EXPECT_EQ(Count(deliveries, "delivered"), 1);
}

TEST_F(WebhookDispatcherTest, RetriesServerErrorsButNotRefusals) {
  Receiver receiver;
  WebhookConfig config = LoopbackConfig();
  WebhookDispatcher dispatcher(config, deliveries);
  dispatcher.Enqueue(receiver.Url("/ok"), R"({"a":1})");
  dispatcher.Enqueue(receiver.Url("/flaky"), R"({"b":2})");
  dispatcher.Enqueue(receiver.Url("/gone"), R"({"c":3})");
  dispatcher.Enqueue("not a url", "{}");
  ASSERT_TRUE(WaitFor(
      [&] { return Count(deliveries, "delivered") == 2 && Count(deliveries, "failed") == 2; },
      std::chrono::seconds(10)));
  EXPECT_EQ(receiver.count("/flaky"), 2u);  // 503, then delivered on the retry
  EXPECT_EQ(receiver.count("/gone"), 1u);   // 404: the receiver said no; not retried
  // Every attempt is signed over its body: t=<unix>,v1=<hex HMAC of "<t>.<body>">.
  WebhookSender sender(config);
  for (const auto& a : receiver.arrivals()) {
    std::string t = a.signature.substr(2, a.signature.find(',') - 2);
    EXPECT_EQ(a.signature, sender.Signature(a.body, std::stoll(t))) << a.path;
  }
}

TEST_F(WebhookDispatcherTest, RefusesPrivateTargetsWithoutSending) {
  Receiver receiver;
  WebhookConfig config = LoopbackConfig();
  config.allow_private = false;
  WebhookDispatcher dispatcher(config, deliveries);
  dispatcher.Enqueue(receiver.Url("/ok"), "{}");
  ASSERT_TRUE(WaitFor([&] { return Count(deliveries, "failed") == 1; }));
  EXPECT_EQ(receiver.count("/ok"), 0u);
}

// Bounded queue, and a prompt shutdown that counts what it abandons.
TEST_F(WebhookDispatcherTest, DropsPastTheQueueBoundAndStopsPromptly) {
  SilentReceiver silent;
  WebhookConfig config = LoopbackConfig();
  config.timeout = milliseconds(20'000);
  config.threads = 1;
  config.per_host = 1;
  config.max_queue = 2;
  auto dispatcher = std::make_unique<WebhookDispatcher>(config, deliveries);
  dispatcher->Enqueue(silent.Url(), "{}");
  ASSERT_TRUE(WaitFor([&] { return silent.accepted() == 1; }));  // in flight, not waiting
  for (int i = 0; i < 3; ++i) dispatcher->Enqueue(silent.Url(), "{}");
  EXPECT_EQ(Count(deliveries, "dropped"), 1);  // two wait, the third is over the bound

  auto start = Clock::now();
  dispatcher.reset();  // aborts the attempt in flight, loses the two waiting
  auto took = Clock::now() - start;
  EXPECT_LT(took, config.timeout / 8)
      << std::chrono::duration_cast<milliseconds>(took).count() << " ms";
  EXPECT_EQ(Count(deliveries, "dropped"), 4);
  EXPECT_EQ(Count(deliveries, "failed") + Count(deliveries, "delivered"), 0);
}

}  // namespace
}  // namespace vox::webhook
