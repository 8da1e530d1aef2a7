// File responses: full, ranges, 416, HEAD, missing files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/testing/test_server.h"

namespace vox::http {
namespace {
using testing::ErrorCodeOf;
using testing::TestServer;

class http_file : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vox_http_file_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    content_.resize(200 * 1024 + 17);  // several 64 KiB write chunks, odd tail
    for (size_t i = 0; i < content_.size(); ++i) content_[i] = static_cast<char>('a' + i % 26);
    std::ofstream(dir_ / "audio.wav", std::ios::binary) << content_;
    std::ofstream(dir_ / "empty.bin", std::ios::binary).flush();
    Router r;
    EXPECT_TRUE(r.Add("GET", "/files/{name}", [this](Request& req, Responder respond) {
      respond(File((dir_ / std::string(req.PathParam("name"))).string(), "audio/wav"));
    }));
    server_ = std::make_unique<TestServer>(std::move(r));
    client_ = std::make_unique<HttpClient>(server_->Client());
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  Result<ClientResponse> Get(const std::string& range, const std::string& method = "GET",
                             const std::string& name = "audio.wav") {
    HttpClient::HeaderList headers;
    if (!range.empty()) headers.emplace_back("Range", range);
    return client_->Request(method, "/files/" + name, "", headers);
  }

  std::filesystem::path dir_;
  std::string content_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(http_file, FullFile) {
  auto r = Get("");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, content_);
  EXPECT_EQ(r->Header("Content-Length"), std::to_string(content_.size()));
  EXPECT_EQ(r->Header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r->Header("Content-Type"), "audio/wav");
  EXPECT_TRUE(r->Header("X-Request-Id"));
}

TEST_F(http_file, FirstBytes) {
  auto r = Get("bytes=0-99");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, content_.substr(0, 100));
  EXPECT_EQ(r->Header("Content-Length"), "100");
  EXPECT_EQ(r->Header("Content-Range"), "bytes 0-99/" + std::to_string(content_.size()));
}

TEST_F(http_file, SuffixAndOpenEnded) {
  auto suffix = Get("bytes=-500");
  ASSERT_TRUE(suffix);
  EXPECT_EQ(suffix->status, 206);
  EXPECT_EQ(suffix->body, content_.substr(content_.size() - 500));
  auto open = Get("bytes=70000-");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, 206);
  EXPECT_EQ(open->body, content_.substr(70000));
  EXPECT_EQ(open->Header("Content-Range"), "bytes 70000-" + std::to_string(content_.size() - 1) +
                                               "/" + std::to_string(content_.size()));
}

TEST_F(http_file, UnsatisfiableIs416) {
  auto r = Get("bytes=999999-");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 416);
  EXPECT_EQ(r->Header("Content-Range"), "bytes */" + std::to_string(content_.size()));
  EXPECT_EQ(ErrorCodeOf(*r), "range_not_satisfiable");
  auto empty = Get("bytes=0-", "GET", "empty.bin");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 416);
  EXPECT_EQ(empty->Header("Content-Range"), "bytes */0");
}

TEST_F(http_file, IgnoredRangesServeWholeFile) {
  for (const char* range : {"bytes=0-1,5-6", "bytes=9-2", "pages=1-2"}) {
    auto r = Get(range);
    ASSERT_TRUE(r) << range;
    EXPECT_EQ(r->status, 200) << range;
    EXPECT_EQ(r->body.size(), content_.size()) << range;
  }
}

TEST_F(http_file, HeadReportsLengthWithoutBody) {
  auto head = Get("", "HEAD");
  ASSERT_TRUE(head) << head.error().ToString();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), std::to_string(content_.size()));
  EXPECT_EQ(head->body, "");
  auto head_range = Get("bytes=10-19", "HEAD");
  ASSERT_TRUE(head_range);
  EXPECT_EQ(head_range->status, 206);
  EXPECT_EQ(head_range->Header("Content-Length"), "10");
  auto after = Get("bytes=0-2");  // the connection is still in sync after HEADs
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "abc");
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(http_file, MissingFileIs404AndEmptyFileIsFine) {
  auto missing = Get("", "GET", "nope.wav");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ErrorCodeOf(*missing), "not_found");
  auto empty = Get("", "GET", "empty.bin");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_EQ(empty->Header("Content-Length"), "0");
  EXPECT_EQ(empty->body, "");
}

}  // namespace
}  // namespace vox::http
