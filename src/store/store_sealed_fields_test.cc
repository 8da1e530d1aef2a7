// Conformance: voices' biometric data sealed in the database (UseFieldCipher, with the real
// libsodium cipher of encryption at rest): what the database holds is ciphertext bound to its
// row, reads give the plaintext back, rows from before encryption stay readable, a store
// without the key refuses sealed rows by name, and ResealVoiceFields moves everything to the
// current key.
#include "blob/sealed_field_cipher.h"
#include "common/uuid.h"
#include "store/sql/sql_store.h"
#include "store/store_conformance.h"

namespace vox::store::testing {
namespace {

constexpr const char* kSealable =
    R"({"embedding":{"v":[0.125,-0.5]},"profile":{"f0":182.5},"labels":["calm"]})";

std::shared_ptr<const FieldCipher> CipherOf(std::initializer_list<std::string_view> keys) {
  std::string text;
  for (std::string_view key : keys) text += std::string(key) + "\n";
  auto parsed = blob::EncryptionKeys::Parse(text, "test keys");
  EXPECT_TRUE(parsed) << parsed.error().ToString();
  return std::make_shared<blob::SealedFieldCipher>(std::move(*parsed));
}

Voice Clone(const std::string& user_id, const std::string& metadata = kSealable) {
  Voice v;
  v.id = NewUuid();
  v.user_id = user_id;
  v.name = "jane";
  v.status = VoiceStatus::kReady;
  v.engine = "flite";
  v.metadata = metadata;
  return v;
}

class SealedFields : public StoreConformance {
 protected:
  // What the database itself holds in `column` of the row `id` (no cipher involved).
  std::string Stored(const char* table, const char* column, const std::string& id) {
    auto* sql = dynamic_cast<sql::SqlStore*>(store_.get());
    EXPECT_NE(sql, nullptr);
    std::string value;
    Status ran = sql->backend().Run(sql::Access::kRead, [&](sql::Session& s) {
      auto rows = s.Query(std::string("SELECT ") + column + " FROM " + table + " WHERE id = ?1",
                          sql::Params().Text(id));
      if (rows && !rows->empty()) value = rows->Text(0, 0);
    });
    EXPECT_TRUE(ran) << ran.error().ToString();
    return value;
  }
  // Writes `value` into the row `id` as it is (an attacker with the database, or an old row).
  void Put(const char* table, const char* column, const std::string& id, const std::string& value) {
    auto* sql = dynamic_cast<sql::SqlStore*>(store_.get());
    Status ran = sql->backend().Run(sql::Access::kWrite, [&](sql::Session& s) {
      auto done = s.Query(std::string("UPDATE ") + table + " SET " + column + " = ?1 WHERE id = ?2",
                          sql::Params().Text(value).Text(id));
      EXPECT_TRUE(done) << done.error().ToString();
    });
    EXPECT_TRUE(ran) << ran.error().ToString();
  }

  const std::string old_key_ = blob::NewEncryptionKeyBase64();
  const std::string new_key_ = blob::NewEncryptionKeyBase64();
};

TEST_P(SealedFields, BiometricDataIsCiphertextInTheDatabaseAndPlainThroughTheStore) {
  store_->UseFieldCipher(CipherOf({old_key_}));
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(Voice voice, store_->CreateVoice(Clone(alice.id)));

  std::string at_rest = Stored("voices", "metadata", voice.id);
  EXPECT_TRUE(IsSealedField(at_rest)) << at_rest;
  EXPECT_EQ(at_rest.find("embedding"), std::string::npos);
  EXPECT_EQ(at_rest.find("182.5"), std::string::npos);
  VOX_ASSERT_OK_AND_ASSIGN(Voice read, store_->GetVoice(voice.id));
  EXPECT_EQ(read.metadata, kSealable);
  VOX_ASSERT_OK_AND_ASSIGN(auto listed, store_->ListVoices(alice.id, false));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].metadata, kSealable);

  // Updates are sealed too, and come back plain (RETURNING reads the sealed row).
  const std::string updated_metadata = R"({"embedding":{"v":[1.0]},"fit":{"similarity":0.9}})";
  VOX_ASSERT_OK_AND_ASSIGN(Voice updated, store_->UpdateVoice(VoiceUpdate{
                                              .id = voice.id, .metadata = updated_metadata}));
  EXPECT_EQ(updated.metadata, updated_metadata);
  EXPECT_TRUE(IsSealedField(Stored("voices", "metadata", voice.id)));
  // A deleted voice's '{}' holds nothing to hide.
  VOX_ASSERT_OK(store_->DeleteVoice(voice.id, kT0));
  EXPECT_EQ(Stored("voices", "metadata", voice.id), "{}");

  ProtectedVoiceRecord famous{.name = "famous", .embedding = R"({"v":[0.3,0.4]})"};
  VOX_ASSERT_OK_AND_ASSIGN(famous, store_->CreateProtectedVoice(famous));
  EXPECT_TRUE(IsSealedField(Stored("protected_voices", "embedding", famous.id)));
  VOX_ASSERT_OK_AND_ASSIGN(auto protected_voices, store_->ListProtectedVoices());
  ASSERT_EQ(protected_voices.size(), 1u);
  EXPECT_EQ(protected_voices[0].embedding, R"({"v":[0.3,0.4]})");
}

TEST_P(SealedFields, TamperedMovedOrKeylessReadsFailAndNameTheSetting) {
  store_->UseFieldCipher(CipherOf({old_key_}));
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(Voice a, store_->CreateVoice(Clone(alice.id)));
  VOX_ASSERT_OK_AND_ASSIGN(Voice b, store_->CreateVoice(Clone(alice.id, R"({"embedding":1})")));

  // a's sealed data copied onto b's row does not open there.
  const std::string sealed_a = Stored("voices", "metadata", a.id);
  Put("voices", "metadata", b.id, sealed_a);
  EXPECT_EQ(CodeOf(store_->GetVoice(b.id)), ErrorCode::kInternal);
  // One character changed: refused, never served as garbage.
  std::string tampered = sealed_a;
  tampered[tampered.size() - 6] = tampered[tampered.size() - 6] == 'A' ? 'B' : 'A';
  Put("voices", "metadata", a.id, tampered);
  EXPECT_EQ(CodeOf(store_->GetVoice(a.id)), ErrorCode::kInternal);
  Put("voices", "metadata", a.id, sealed_a);
  VOX_ASSERT_OK(store_->GetVoice(a.id));

  // A key file without the sealing key, and no key file at all.
  store_->UseFieldCipher(CipherOf({new_key_}));
  auto other_key = store_->GetVoice(a.id);
  ASSERT_FALSE(other_key);
  EXPECT_NE(other_key.error().message.find("VOX_ENCRYPTION_KEY_FILE"), std::string::npos);
  store_->UseFieldCipher(nullptr);
  auto keyless = store_->GetVoice(a.id);
  ASSERT_FALSE(keyless);
  EXPECT_EQ(keyless.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(keyless.error().message.find("VOX_ENCRYPTION_KEY_FILE"), std::string::npos);
  EXPECT_EQ(CodeOf(store_->ResealVoiceFields()), ErrorCode::kFailedPrecondition);
}

TEST_P(SealedFields, ResealingEncryptsOldRowsAndMovesEveryRowToTheCurrentKey) {
  // Written before encryption was turned on: plain, and still readable after.
  User alice = AddUser("alice");
  VOX_ASSERT_OK_AND_ASSIGN(Voice plain, store_->CreateVoice(Clone(alice.id)));
  ProtectedVoiceRecord famous{.name = "famous", .embedding = R"({"v":[0.3]})"};
  VOX_ASSERT_OK_AND_ASSIGN(famous, store_->CreateProtectedVoice(famous));
  EXPECT_EQ(Stored("voices", "metadata", plain.id), kSealable);
  store_->UseFieldCipher(CipherOf({old_key_}));
  VOX_ASSERT_OK_AND_ASSIGN(Voice read, store_->GetVoice(plain.id));
  EXPECT_EQ(read.metadata, kSealable);
  VOX_ASSERT_OK_AND_ASSIGN(Voice sealed, store_->CreateVoice(Clone(alice.id)));

  VOX_ASSERT_OK_AND_ASSIGN(int64_t first, store_->ResealVoiceFields());
  EXPECT_EQ(first, 2);  // the plain voice and the protected embedding
  EXPECT_TRUE(IsSealedField(Stored("voices", "metadata", plain.id)));
  EXPECT_TRUE(IsSealedField(Stored("protected_voices", "embedding", famous.id)));
  VOX_ASSERT_OK_AND_ASSIGN(int64_t again, store_->ResealVoiceFields());
  EXPECT_EQ(again, 0);

  // Rotation: the new key first, the old one still there to open; then the old one dropped.
  store_->UseFieldCipher(CipherOf({new_key_, old_key_}));
  VOX_ASSERT_OK_AND_ASSIGN(int64_t rotated, store_->ResealVoiceFields());
  EXPECT_EQ(rotated, 3);
  store_->UseFieldCipher(CipherOf({new_key_}));
  for (const Voice& v : {plain, sealed}) {
    VOX_ASSERT_OK_AND_ASSIGN(Voice after, store_->GetVoice(v.id));
    EXPECT_EQ(after.metadata, kSealable);
  }
  VOX_ASSERT_OK_AND_ASSIGN(auto protected_voices, store_->ListProtectedVoices());
  ASSERT_EQ(protected_voices.size(), 1u);
  EXPECT_EQ(protected_voices[0].embedding, R"({"v":[0.3]})");
}

INSTANTIATE_TEST_SUITE_P(Backends, SealedFields, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vox::store::testing
