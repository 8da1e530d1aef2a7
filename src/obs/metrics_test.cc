#include "obs/metrics.h"

#include <gtest/gtest.h>

#include <thread>

#include "obs/stream_latency.h"

namespace vox::obs {
namespace {

TEST(MetricsTest, RendersCountersWithEscapedLabels) {
  Registry r;
  auto& requests = r.AddCounter("vox_requests_total", "Requests.", {"route", "status"});
  requests.With({"/v1/x", "200"}).Inc();
  requests.With({"/v1/x", "200"}).Inc(2);
  requests.With({"a\"b", "500"}).Inc();
  std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE vox_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("vox_requests_total{route=\"/v1/x\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("route=\"a\\\"b\""), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry r;
  auto& h = r.AddHistogram("vox_latency_seconds", "Latency.", {}, {0.1, 1.0});
  h.With({}).Observe(0.05);
  h.With({}).Observe(0.5);
  h.With({}).Observe(5);
  std::string text = r.Render();
  EXPECT_NE(text.find("vox_latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("vox_latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("vox_latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("vox_latency_seconds_sum 5.55\n"), std::string::npos);
  EXPECT_NE(text.find("vox_latency_seconds_count 3\n"), std::string::npos);
}

TEST(MetricsTest, AHistogramRegisteredTwiceIsOneFamily) {
  Registry r;
  auto& first = StreamTimeToFirstAudio(r);
  auto& again = StreamTimeToFirstAudio(r);
  EXPECT_EQ(&first, &again);
  EXPECT_NE(&StreamChunkGap(r), &first);
  first.With({"/v1/tts/stream", "flite"}).Observe(0.1);
  again.With({"wyoming/synthesize", "flite"}).Observe(0.2);
  const std::string text = r.Render();
  const std::string help = "# HELP vox_stream_time_to_first_audio_seconds ";
  ASSERT_NE(text.find(help), std::string::npos) << text;
  EXPECT_EQ(text.find(help, text.find(help) + 1), std::string::npos) << "rendered twice";
  EXPECT_NE(text.find("vox_stream_time_to_first_audio_seconds_count{route=\"wyoming/synthesize\","
                      "engine=\"flite\"} 1\n"),
            std::string::npos)
      << text;
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& c = r.AddCounter("c_total", "C.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.With({}).Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_DOUBLE_EQ(c.With({}).value(), 40000);
}

TEST(MetricsTest, GaugeSetsAndAdds) {
  Registry r;
  auto& g = r.AddGauge("vox_queue_depth", "Depth.");
  g.With({}).Set(5);
  g.With({}).Add(-2);
  EXPECT_NE(r.Render().find("vox_queue_depth 3\n"), std::string::npos);
}

TEST(MetricsTest, InfoIsOneSeriesWhateverItsLabelsWere) {
  Registry r;
  auto& head = r.AddInfo("vox_head_info", "Head.", {"hash", "row"});
  EXPECT_EQ(r.Render(), "# HELP vox_head_info Head.\n# TYPE vox_head_info gauge\n");
  head.Set({"ab\"c", "1"});
  head.Set({"def", "2"});
  EXPECT_EQ(r.Render(),
            "# HELP vox_head_info Head.\n# TYPE vox_head_info gauge\n"
            "vox_head_info{hash=\"def\",row=\"2\"} 1\n");
}

}  // namespace
}  // namespace vox::obs
