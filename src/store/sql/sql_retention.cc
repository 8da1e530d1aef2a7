// SqlStore: audio retention. The sweeper (worker/audio_sweeper.h) lists jobs
// whose audio outlived the retention period, marks each expired (one sweeper
// wins the mark), and deletes the blob once no kept job still names it.
#include <string>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace vox::store::sql {

using std::string;

Result<std::vector<Job>> SqlStore::ListExpiringAudio(int64_t finished_before, int limit) {
  return Read([&](Session& s) -> Result<std::vector<Job>> {
    // The partial index jobs_audio_kept serves this.
    VOX_ASSIGN_OR_RETURN(
        Rows rows, s.Query(string("SELECT ") + kJobColumns +
                               " FROM jobs WHERE audio_key IS NOT NULL AND audio_expired_at IS "
                               "NULL AND finished_at < ?1 ORDER BY finished_at, id LIMIT ?2",
                           Params().Int(finished_before).Int(limit)));
    std::vector<Job> jobs;
    for (int r = 0; r < rows.size(); ++r) {
      VOX_ASSIGN_OR_RETURN(Job job, ReadJob(rows, r));
      jobs.push_back(std::move(job));
    }
    return jobs;
  });
}

Result<bool> SqlStore::ExpireAudio(const string& job_id, int64_t at) {
  return Write([&](Session& s) -> Result<bool> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("UPDATE jobs SET audio_expired_at = ?1 WHERE id = ?2 "
                                            "AND audio_expired_at IS NULL",
                                            Params().Int(at).Text(job_id)));
    if (rows.affected() == 1) return true;
    VOX_RETURN_IF_ERROR(LoadJob(s, job_id));  // kNotFound when absent
    return false;
  });
}

Status SqlStore::RestoreAudio(const string& job_id) {
  return Write([&](Session& s) -> Status {
    VOX_RETURN_IF_ERROR(
        s.Query("UPDATE jobs SET audio_expired_at = NULL WHERE id = ?1", Params().Text(job_id)));
    return {};
  });
}

Result<bool> SqlStore::AudioKeyInUse(const string& audio_key) {
  return Read([&](Session& s) -> Result<bool> {
    VOX_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT 1 FROM jobs WHERE audio_key = ?1 AND "
                                            "audio_expired_at IS NULL LIMIT 1",
                                            Params().Text(audio_key)));
    return !rows.empty();
  });
}

}  // namespace vox::store::sql
