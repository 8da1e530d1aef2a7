// vox voices revoke: consent revocation of a cloned voice, offline, straight
// on the data directory (cloning/consent_revocation.h). The operator at the
// console acts as an admin: any owner's clone.
#include <iostream>
#include <nlohmann/json.hpp>

#include "blob/blob_store.h"
#include "cache/audio_cache.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/open_store.h"
#include "cli/platform.h"
#include "cloning/consent_revocation.h"
#include "store/store.h"

namespace vox::cli {
namespace {

struct RevokeOptions {
  PlatformConfig config;
  std::string voice_id;
};

Status RunRevoke(RevokeOptions& o) {
  VOX_RETURN_IF_ERROR(o.config.Finalize());
  VOX_RETURN_IF_ERROR(MigrateDatabase(o.config));
  VOX_ASSIGN_OR_RETURN(auto store, OpenConfiguredStore(o.config));
  VOX_ASSIGN_OR_RETURN(auto blobs, blob::OpenBlobStore(o.config.storage_url));
  VOX_ASSIGN_OR_RETURN(auto cache, cache::OpenAudioCache(o.config.cache_url, *store));
  const cloning::Actor actor{"", std::nullopt, "", "cli"};
  auto result = cloning::ConsentRevoker(*store, *blobs, *cache).Revoke(o.voice_id, actor, true);
  if (!result) {
    Error e = result.error();
    if (e.field == "voice_id") e.field.clear();  // the ID argument, not --voice
    return std::unexpected(e);
  }
  const cloning::Revocation& revoked = *result;
  std::cout << nlohmann::json{{"voice_id", revoked.voice.id},
                              {"status", store::VoiceStatusName(revoked.voice.status)},
                              {"already_revoked", !revoked.first},
                              {"jobs_failed", revoked.failed.size()},
                              {"jobs_purged", revoked.purged_jobs}}
                   .dump()
            << "\n";
  return {};
}

}  // namespace

void AddVoicesRevokeCommand(CLI::App& voices) {
  auto options = std::make_shared<RevokeOptions>();
  CLI::App* cmd = voices.add_subcommand(
      "revoke",
      "Revoke consent for a cloned voice: it stops speaking, its recordings, embedding, jobs' "
      "audio and cache entries are purged, its pending jobs fail; the row and the audit stay.");
  options->config.AddOptions(*cmd);
  cmd->add_option("id", options->voice_id, "The cloned voice's id")->required();
  cmd->callback([options] { ExitOnError("voices revoke", RunRevoke(*options)); });
}

}  // namespace vox::cli
