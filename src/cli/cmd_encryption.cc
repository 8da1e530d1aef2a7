// vox encryption new-key / rotate: encryption at rest (src/blob/encrypted_blob_store.h).
// A rotation: put the new key first in VOX_ENCRYPTION_KEY_FILE (keep the old one below it),
// restart or roll the platform, run `vox encryption rotate`, then delete the old line.
#include <iostream>
#include <nlohmann/json.hpp>

#include "blob/encrypted_blob_store.h"
#include "cli/commands.h"
#include "cli/errors.h"

namespace vox::cli {
namespace {

struct RotateOptions {
  std::string data_dir = "data";
  std::string storage_url;
  std::string key_file;
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
      "Re-encrypt every stored blob under the first key of the key file (and encrypt those "
      "stored before encryption was on). Safe while the platform serves. Prints a JSON report.");
  rotate->add_option("--data", o->data_dir, "Data directory")
      ->envname("VOX_DATA_DIR")
      ->capture_default_str();
  rotate->add_option("--storage-url", o->storage_url, "Default: file://DATA/blobs")
      ->envname("VOX_STORAGE_URL");
  rotate->add_option("--encryption-key-file", o->key_file, "The keys, the new one first")
      ->envname("VOX_ENCRYPTION_KEY_FILE")
      ->required();
  rotate->add_option("--prefix", o->prefix, "Only blobs whose key starts with this");
  rotate->callback([o] {
    if (o->storage_url.empty()) o->storage_url = "file://" + o->data_dir + "/blobs";
    auto keys = blob::EncryptionKeys::Load(o->key_file, "VOX_ENCRYPTION_KEY_FILE");
    if (!keys) Fail("encryption rotate", keys.error());
    auto inner = blob::OpenBlobStore(o->storage_url);
    if (!inner) Fail("encryption rotate", inner.error());
    blob::EncryptedBlobStore store(std::move(*inner), std::move(*keys));
    auto report = store.Rotate(o->prefix);
    if (!report) Fail("encryption rotate", report.error());
    std::cout << nlohmann::json{{"key", store.keys().current().id},
                                {"blobs", report->blobs},
                                {"rewritten", report->rewritten},
                                {"encrypted", report->encrypted},
                                {"current", report->current}}
                     .dump()
              << std::endl;
  });
}

}  // namespace vox::cli
