#include "blob/s3/list_parser.h"

#include <gtest/gtest.h>

namespace vox::blob::s3 {
namespace {

TEST(ListParser, DecodesKeysWithEntitiesAndCharacterReferences) {
  auto page = ParseListObjectsV2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>a/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>a/x&amp;y&lt;z&gt;.wav</Key><Size>1</Size></Contents>
  <Contents><Key>a/&#65;&#x42;&quot;&apos;.wav</Key><Size>2</Size></Contents>
  <Contents><Key>a/caf&#233;</Key><Owner><ID>x</ID></Owner></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)");
  ASSERT_TRUE(page) << page.error().ToString();
  EXPECT_EQ(page->keys, (std::vector<std::string>{"a/x&y<z>.wav", "a/AB\"'.wav", "a/caf\xc3\xa9"}));
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(ListParser, LastPageAndEmptyListing) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key></Contents>"
      "</ListBucketResult>");
  ASSERT_TRUE(page);
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(page->keys, std::vector<std::string>{"k"});
  auto empty = ParseListObjectsV2("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->keys.empty());
}

TEST(ListParser, OnlyKeysDirectlyUnderContentsCount) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>"
      "<Contents><Owner><Key>not-a-key</Key></Owner><Key>real</Key></Contents></ListBucketResult>");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->keys, std::vector<std::string>{"real"});
}

TEST(ListParser, RejectsMalformedOrForeignDocuments) {
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Key>a</Contents>"));
  EXPECT_FALSE(ParseListObjectsV2("not xml at all"));
  EXPECT_FALSE(ParseListObjectsV2(""));
  EXPECT_FALSE(ParseListObjectsV2("<Error><Code>AccessDenied</Code></Error>"));
  EXPECT_FALSE(ParseListObjectsV2(
      "<ListBucketResult><Contents><Key>a&bogus;</Key></Contents></ListBucketResult>"));
  // Truncated without a token would loop forever or silently stop: refused.
  EXPECT_FALSE(
      ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"));
}

TEST(ListParser, RefusesDoctypesSoEntityBombsCannotExpand) {
  auto page = ParseListObjectsV2(R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<ListBucketResult><Contents><Key>&lol2;</Key></Contents></ListBucketResult>)");
  ASSERT_FALSE(page);
  EXPECT_NE(page.error().message.find("DOCTYPE"), std::string::npos);
}

TEST(ErrorBody, ExtractsCodeAndMessage) {
  S3ErrorBody body = ParseErrorBody(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The resource &lt;x&gt; does not exist.</Message>
<Key>x</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>)");
  EXPECT_EQ(body.code, "NoSuchKey");
  EXPECT_EQ(body.message, "The resource <x> does not exist.");
  EXPECT_EQ(ParseErrorBody("").code, "");
  EXPECT_EQ(ParseErrorBody("<html>502 Bad Gateway</html>").code, "");
  EXPECT_EQ(ParseErrorBody("<ListBucketResult><Code>x</Code></ListBucketResult>").code, "");
}

}  // namespace
}  // namespace vox::blob::s3
