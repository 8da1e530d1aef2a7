#include "store/store_conformance.h"

#include <filesystem>

#include "store/postgres/testing/pg_test_server.h"

namespace vox::store::testing {

std::vector<StoreBackend> StoreBackends() {
  return {
      {"sqlite_file",
       [](const std::string& dir) { return OpenStore("sqlite://" + dir + "/vox.db"); }, true},
      {"sqlite_memory", [](const std::string&) { return OpenStore("sqlite::memory:"); }, false},
      // A database per test directory on a throwaway server (pg_test_server.h).
      {"postgres",
       [](const std::string& dir) -> Result<std::unique_ptr<Store>> {
         VOX_ASSIGN_OR_RETURN(std::string url, postgres::testing::SharedTestDatabase(dir));
         return OpenStore(url);
       },
       true},
  };
}

void StoreConformance::SetUp() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "vox-store-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  dir_ = tmpl;
  auto opened = GetParam().open(dir_);
  if (!opened && opened.error().code == ErrorCode::kUnavailable) {
    GTEST_SKIP() << GetParam().name << " unavailable: " << opened.error().ToString();
  }
  ASSERT_TRUE(opened) << opened.error().ToString();
  store_ = std::move(*opened);
  VOX_ASSERT_OK(store_->Migrate());
}

void StoreConformance::TearDown() {
  store_.reset();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

void StoreConformance::Reopen() {
  store_.reset();
  auto opened = GetParam().open(dir_);
  ASSERT_TRUE(opened) << opened.error().ToString();
  store_ = std::move(*opened);
}

std::unique_ptr<Store> StoreConformance::OpenSecond() {
  if (!GetParam().persistent) return nullptr;
  auto opened = GetParam().open(dir_);
  EXPECT_TRUE(opened) << opened.error().ToString();
  return opened ? std::move(*opened) : nullptr;
}

User StoreConformance::AddUser(const std::string& name) {
  User u;
  u.name = name;
  u.created_at = kT0;
  auto created = store_->CreateUser(u);
  EXPECT_TRUE(created) << created.error().ToString();
  return created.value_or(User{});
}

Job StoreConformance::NewJob(const std::string& user_id) {
  Job j;
  j.user_id = user_id;
  j.status = JobStatus::kQueued;
  j.voice_id = "flite-slt";
  j.model_version = "flite-2.2";
  j.text = "Hello number " + std::to_string(seq_);
  j.params = R"({"speed":1.0})";
  j.format = "wav";
  j.request_hash = "hash-" + std::to_string(seq_);
  j.cache_key = "cache-" + std::to_string(seq_);
  j.created_at = kT0 + seq_;
  j.updated_at = j.created_at;
  j.next_attempt_at = kT0;
  ++seq_;
  return j;
}

Job StoreConformance::AddQueuedJob(const std::string& user_id, int64_t due) {
  Job j = NewJob(user_id);
  j.next_attempt_at = due;
  auto created = store_->CreateJob(j, {{0, "", JobStatus::kReceived, j.created_at, 0, ""},
                                       {0, "", JobStatus::kQueued, j.created_at, 0, ""}});
  EXPECT_TRUE(created) << created.error().ToString();
  return created ? created->job : Job{};
}

INSTANTIATE_TEST_SUITE_P(store_backends, StoreConformance, ::testing::ValuesIn(StoreBackends()),
                         [](const ::testing::TestParamInfo<StoreBackend>& info) {
                           return info.param.name;
                         });

}  // namespace vox::store::testing
