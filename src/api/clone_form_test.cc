#include "api/clone_form.h"

#include <gtest/gtest.h>

namespace vox::api {
namespace {

const std::string kType = "multipart/form-data; boundary=XyZ";

std::string Part(const std::string& name, const std::string& content,
                 const std::string& filename = "") {
  std::string out = "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"";
  if (!filename.empty()) out += "; filename=\"" + filename + "\"";
  return out + "\r\n\r\n" + content + "\r\n";
}
const std::string kEnd = "--XyZ--\r\n";

TEST(CloneFormTest, ParsesEveryField) {
  const std::string body = Part("name", "My voice") + Part("speaker_name", "Jane Doe") +
                           Part("description", "calm narration") + Part("labels", "a, b,,c ") +
                           Part("labels", R"(["d"])") + Part("files", "RIFF1", "one.wav") +
                           Part("files[]", "RIFF2", "two.wav") +
                           Part("consent_audio", "OggS", "consent.ogg") +
                           Part("challenge_id", "chl_abc") + kEnd;
  auto form = ParseCloneForm(body, kType);
  ASSERT_TRUE(form) << form.error().ToString();
  EXPECT_EQ(form->name, "My voice");
  EXPECT_EQ(form->speaker_name, "Jane Doe");
  EXPECT_EQ(form->description, "calm narration");
  EXPECT_EQ(form->labels, (std::vector<std::string>{"a", "b", "c", "d"}));
  ASSERT_EQ(form->files.size(), 2u);
  EXPECT_EQ(form->files[0].filename, "one.wav");
  EXPECT_EQ(form->files[1].bytes, "RIFF2");
  ASSERT_TRUE(form->consent_audio);
  EXPECT_EQ(form->consent_audio->bytes, "OggS");
  EXPECT_EQ(form->challenge_id, "chl_abc");
}

TEST(CloneFormTest, ErrorsNameTheField) {
  const std::string files = Part("files", "RIFF", "a.wav");
  struct Case {
    std::string body, type, field;
  };
  const std::vector<Case> cases = {
      {Part("name", "x") + files + kEnd, "application/json", "Content-Type"},
      {Part("name", "x") + files, kType, "body"},  // no closing delimiter
      {files + kEnd, kType, "name"},
      {Part("name", "x") + kEnd, kType, "files"},
      {Part("name", "x") + Part("files", "", "empty.wav") + kEnd, kType, "files"},
      {Part("name", "x") + Part("name", "y") + files + kEnd, kType, "name"},
      {Part("name", "x") + files + Part("consent_audio", "a", "c.wav") +
           Part("consent_audio", "b", "d.wav") + kEnd,
       kType, "consent_audio"},
      {Part("name", "x") + files + Part("challenge_id", "a") + Part("challenge_id", "b") + kEnd,
       kType, "challenge_id"},
      {Part("name", "x") + files + Part("voice", "slt") + kEnd, kType, "voice"},
      {Part("name", "x") + files + Part("labels", "[1, 2]") + kEnd, kType, "labels"},
      {Part("name", "x") + files + Part("labels", "[unclosed") + kEnd, kType, "labels"},
  };
  for (const auto& c : cases) {
    auto form = ParseCloneForm(c.body, c.type);
    ASSERT_FALSE(form) << c.body;
    EXPECT_EQ(form.error().code, ErrorCode::kInvalidArgument) << c.body;
    EXPECT_EQ(form.error().field, c.field) << c.body << " -> " << form.error().ToString();
  }
}

TEST(CloneFormTest, ProtectedVoiceForm) {
  auto form = ParseProtectedVoiceForm(Part("name", "Someone Famous") + Part("files", "A", "1.wav") +
                                          Part("files", "B", "2.wav") + kEnd,
                                      kType);
  ASSERT_TRUE(form) << form.error().ToString();
  EXPECT_EQ(form->name, "Someone Famous");
  EXPECT_EQ(form->files.size(), 2u);
  auto extra = ParseProtectedVoiceForm(
      Part("name", "x") + Part("files", "A", "1.wav") + Part("consent_audio", "C", "c.wav") + kEnd,
      kType);
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().field, "consent_audio");
}

}  // namespace
}  // namespace vox::api
