#include "cli/open_store.h"

#include "blob/sealed_field_cipher.h"

namespace vox::cli {

Result<std::unique_ptr<store::Store>> OpenConfiguredStore(const PlatformConfig& config) {
  VOX_ASSIGN_OR_RETURN(auto store, store::OpenStore(config.database_url));
  if (!config.encryption_key_file.empty()) {
    VOX_ASSIGN_OR_RETURN(
        blob::EncryptionKeys keys,
        blob::EncryptionKeys::Load(config.encryption_key_file, "VOX_ENCRYPTION_KEY_FILE"));
    store->UseFieldCipher(std::make_shared<blob::SealedFieldCipher>(std::move(keys)));
  }
  return store;
}

}  // namespace vox::cli
