// The audit chain's canonical encoding and hash, against values worked out
// by hand with `printf '%s%s' PREV JSON | sha256sum` (src/store/README.md).
#include "store/audit_chain.h"

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace vox::store {
namespace {

AuditEvent Example() {
  AuditEvent e;
  e.id = 42;  // not hashed
  e.at = 1'700'000'000'000;
  e.actor_user_id = "u1";
  e.action = "job.create";
  e.target_type = "job";
  e.target_id = "j1";
  e.request_id = "r1";
  e.detail = R"({"chars":5})";
  return e;
}

TEST(AuditChain, CanonicalJsonIsSortedCompactAndKeepsDetailBytes) {
  EXPECT_EQ(CanonicalAuditJson(Example()),
            R"({"action":"job.create","actor_key_id":null,"actor_user_id":"u1",)"
            R"("at":1700000000000,"detail":"{\"chars\":5}","request_id":"r1",)"
            R"("target_id":"j1","target_type":"job"})");
}

TEST(AuditChain, HashOfTheReadmeExample) {
  EXPECT_EQ(AuditRowHash(kAuditGenesisHash, Example()),
            "d174d45fee5da9ed533aa3239890005a60ca39cd22dd2372aa727231804eb6cd");
}

TEST(AuditChain, StringsEscapeAsJcs) {
  AuditEvent e = Example();
  e.detail = std::string("q\"b\\n\n\t\x01\x1f\x7f\xc3\xa9\0", 13);  // NUL last
  std::string json = CanonicalAuditJson(e);
  EXPECT_NE(json.find(R"("detail":"q\"b\\n\n\t\u0001\u001f)"
                      "\x7f\xc3\xa9"
                      R"(\u0000")"),
            std::string::npos)
      << json;
}

TEST(AuditChain, EveryColumnButIdAndHashesCounts) {
  const AuditEvent base = Example();
  const std::string h = AuditRowHash(kAuditGenesisHash, base);
  AuditEvent other_id = base;
  other_id.id = 7;
  other_id.prev_hash = "x";
  other_id.hash = "y";
  EXPECT_EQ(AuditRowHash(kAuditGenesisHash, other_id), h);

  std::vector<AuditEvent> changed(8, base);
  changed[0].at += 1;
  changed[1].actor_user_id.reset();
  changed[2].actor_key_id = "";  // "" is not null
  changed[3].action = "job.cancel";
  changed[4].target_type = "voice";
  changed[5].target_id = "j2";
  changed[6].request_id = "";
  changed[7].detail = R"({"chars": 5})";
  for (const AuditEvent& e : changed) EXPECT_NE(AuditRowHash(kAuditGenesisHash, e), h);
  // And the link: the same row after another row hashes differently.
  EXPECT_NE(AuditRowHash(h, base), h);
  EXPECT_EQ(AuditRowHash(h, base), Sha256Hex(h + CanonicalAuditJson(base)));
}

}  // namespace
}  // namespace vox::store
