// vox encryption new-key / rotate: encryption at rest (src/blob/encrypted_blob_store.h for
// blobs, blob/sealed_field_cipher.h for voices' biometric data in the database).
// A rotation: put the new key first in VOX_ENCRYPTION_KEY_FILE (keep the old one below it),
// restart or roll the platform, run `vox encryption rotate`, then delete the old line.
#include <iostream>
#include <nlohmann/json.hpp>

#include "blob/encrypted_blob_store.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/open_store.h"
#include "cli/platform_config.h"

namespace vox::cli {
namespace {

struct RotateOptions {
  PlatformConfig config;  // data dir, database, storage, key file
  std::string prefix;
};

}  // namespace

void AddEncryptionCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("encryption", "Encryption at rest of the stored audio.");
  cmd->require_subcommand(1);

  CLI::App* new_key = cmd->add_subcommand(
      "new-key", "Print a new random key (base64, 32 bytes) for VOX_ENCRYPTION_KEY_FILE.");
  new_key->callback([] { std::cout << blob::NewEncryptionKeyBase64() << std::endl; });

  auto o = std::make_shared<RotateOptions>();
  CLI::App* rotate = cmd->add_subcommand(
      "rotate",
      "Re-encrypt every stored blob and every voice's biometric data in the database under "
      "the first key of the key file (and encrypt what was stored before encryption was on). "
      "Safe while the platform serves. Prints a JSON report.");
  o->config.AddOptions(*rotate);
  rotate->add_option("--prefix", o->prefix,
                     "Only blobs whose key starts with this (the database is left as it is)");
  rotate->callback([o] {
    const PlatformConfig& config = o->config;
    ExitOnError("encryption rotate", o->config.Finalize());
    if (config.encryption_key_file.empty()) {
      Fail("encryption rotate",
           InvalidArgument("--encryption-key-file (VOX_ENCRYPTION_KEY_FILE) is required").error());
    }
    auto keys = blob::EncryptionKeys::Load(config.encryption_key_file, "VOX_ENCRYPTION_KEY_FILE");
    if (!keys) Fail("encryption rotate", keys.error());
    auto inner = blob::OpenBlobStore(config.storage_url);
    if (!inner) Fail("encryption rotate", inner.error());
    blob::EncryptedBlobStore blobs(std::move(*inner), std::move(*keys));
    auto report = blobs.Rotate(o->prefix);
    if (!report) Fail("encryption rotate", report.error());
    nlohmann::json out{{"key", blobs.keys().current().id},
                       {"blobs", report->blobs},
                       {"rewritten", report->rewritten},
                       {"encrypted", report->encrypted},
                       {"current", report->current}};
    if (o->prefix.empty()) {
      auto store = OpenConfiguredStore(config);
      if (!store) Fail("encryption rotate", store.error());
      auto resealed = (*store)->ResealVoiceFields();
      if (!resealed) Fail("encryption rotate", resealed.error());
      out["voice_fields"] = *resealed;
    }
    std::cout << out.dump() << std::endl;
  });
}

}  // namespace vox::cli
