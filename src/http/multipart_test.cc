#include "http/multipart.h"

#include <gtest/gtest.h>

#include "http/testing/multipart_testing.h"

namespace vox::http {
namespace {

using namespace std::string_literals;

constexpr std::string_view kCurlType =
    "multipart/form-data; boundary=------------------------8949b546deebd328";
// Captured from `curl 7.88.1 -F 'name=Jane "JD" Doe' -F 'audio=@f.bin;filename=my "take"
// 1.wav;type=audio/wav' -F 'empty='`; f.bin holds NUL, CR/LF and a "--x" line.
const std::string kCurlBody =
    "--------------------------8949b546deebd328\r\n"
    "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
    "Jane \"JD\" Doe\r\n"
    "--------------------------8949b546deebd328\r\n"
    "Content-Disposition: form-data; name=\"audio\"; filename=\"my %22take%22 1.wav\"\r\n"
    "Content-Type: audio/wav\r\n\r\n"
    "RIFF\x00\r\n--x\r\n\x00\xff\r\n"
    "--------------------------8949b546deebd328\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n"
    "--------------------------8949b546deebd328--\r\n"s;

Result<std::vector<MultipartPart>> Parse(std::string_view body, std::string_view boundary = "b",
                                         const MultipartOptions& options = {}) {
  return ParseMultipart(body, "multipart/form-data; boundary=" + std::string(boundary), options);
}

void ExpectBodyError(const Result<std::vector<MultipartPart>>& r, std::string_view fragment) {
  ASSERT_FALSE(r) << "parsed " << r->size() << " parts";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "body");
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(MultipartTest, CurlBody) {
  auto parts = ParseMultipart(kCurlBody, kCurlType);
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 3u);
  const auto& p = *parts;
  EXPECT_EQ(p[0].name, "name");
  EXPECT_FALSE(p[0].filename);
  EXPECT_EQ(p[0].content_type, "text/plain");
  EXPECT_EQ(p[0].content, "Jane \"JD\" Doe");
  EXPECT_EQ(p[1].name, "audio");
  EXPECT_EQ(p[1].filename, "my \"take\" 1.wav");
  EXPECT_EQ(p[1].content_type, "audio/wav");
  EXPECT_EQ(p[1].content, "RIFF\x00\r\n--x\r\n\x00\xff"s);
  EXPECT_EQ(p[2].name, "empty");
  EXPECT_EQ(p[2].content, "");
  // Views into the body, not copies.
  EXPECT_GE(p[1].content.data(), kCurlBody.data());
  EXPECT_LE(p[1].content.data() + p[1].content.size(), kCurlBody.data() + kCurlBody.size());
  EXPECT_EQ(FindPart(p, "audio"), &p[1]);
  EXPECT_EQ(FindPart(p, "missing"), nullptr);
}

TEST(MultipartTest, ChromeAndFirefoxBodies) {
  const std::string chrome =
      "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
      "Content-Disposition: form-data; name=\"consent\"; filename=\"consent.webm\"\r\n"
      "Content-Type: audio/webm\r\n\r\nOggS\r\n\r\n"
      "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
      "Content-Disposition: form-data; name=\"nothing\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n\r\n"
      "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
  auto parts =
      ParseMultipart(chrome, "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW");
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].content, "OggS\r\n");
  EXPECT_EQ((*parts)[1].filename, "");  // a file input with no file chosen
  EXPECT_EQ((*parts)[1].content, "");

  const std::string firefox_boundary = "---------------------------974767299852498929531610575";
  const std::string firefox =
      "--" + firefox_boundary +
      "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nJ\xc3\xb6rg\r\n--" +
      firefox_boundary + "--\r\n";
  parts = ParseMultipart(firefox, "Multipart/Form-Data; BOUNDARY=" + firefox_boundary);
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].content, "J\xc3\xb6rg");
}

TEST(MultipartTest, BoundaryParameter) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data;boundary=\"a b:c?\""), "a b:c?");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=utf-8; boundary = x=y "), "x=y");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=" + std::string(70, 'z')),
            std::string(70, 'z'));
  for (const char* bad :
       {"", "text/plain; boundary=abc", "multipart/mixed; boundary=abc", "multipart/form-data",
        "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"unterminated", "multipart/form-data; boundary=\"a \"",
        "multipart/form-data; boundary=a\x01z", "multipart/form-data; boundary=a;boundary=b",
        "multipart/form-data; boundary=\"a\"junk", "multipart/form-data; boundary"}) {
    auto r = MultipartBoundary(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "Content-Type") << bad;
  }
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'z')));
  auto r = ParseMultipart("--b--", "application/json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "Content-Type");
  EXPECT_NE(r.error().message.find("application/json"), std::string::npos);
}

TEST(MultipartTest, PreambleEpilogueAndPadding) {
  auto parts = Parse(
      "This is the preamble.\r\n--b \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
      "--b--   \r\nepilogue\r\n--b\r\nnot a part\r\n");
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].content, "1");
  // No part at all: valid, empty (an empty FormData in a browser).
  parts = Parse("--b--\r\n");
  ASSERT_TRUE(parts);
  EXPECT_TRUE(parts->empty());
}

TEST(MultipartTest, NamesWithQuotesAndEscapes) {
  auto parts = Parse(
      "--b\r\ncontent-disposition: FORM-DATA; NAME=\"say \\\"hi\\\"\"; "
      "filename=\"C:\\dir\\a.wav\"\r\n"
      "\r\nx\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"a;b=c\"; filename=\"line%0D%0Abreak %41\"\r\n"
      "\r\ny\r\n"
      "--b\r\nContent-Disposition: form-data ; name = plain ; filename*=UTF-8''x\r\n\r\nz\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n\r\n--b--");
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[0].name, "say \"hi\"");
  EXPECT_EQ((*parts)[0].filename, "C:\\dir\\a.wav");  // lone backslashes are kept
  EXPECT_EQ((*parts)[1].name, "a;b=c");
  EXPECT_EQ((*parts)[1].filename, "line\r\nbreak %41");  // only %22 %0D %0A are decoded
  EXPECT_EQ((*parts)[2].name, "plain");
  EXPECT_FALSE((*parts)[2].filename);  // filename* is ignored (RFC 7578 §4.2)
  EXPECT_EQ((*parts)[3].name, "");
}

TEST(MultipartTest, BinaryContentWithDashesAndLineBreaks) {
  // Everything that looks almost like a delimiter is content: "--b" not after CRLF, CRLF "--b"
  // followed by another boundary character, a bare LF before "--b", a lone CR.
  const std::string content = "--b\r\n\r\n--bX\r\n--b-1\n--b\r\r--b\r\n-\r\n--\x00\xff\r"s;
  auto parts = Parse(
      "--b\r\nContent-Disposition: form-data; name=f; filename=f.bin\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      content + "\r\n--b--\r\n");
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].content, content);

  // Boundaries that are prefixes of each other: "b" and content lines starting "--bb".
  parts = Parse("--bb\r\nContent-Disposition: form-data; name=x\r\n\r\n--bbb\r\n--bb--", "bb");
  ASSERT_TRUE(parts) << parts.error().ToString();
  EXPECT_EQ((*parts)[0].content, "--bbb");
}

TEST(MultipartTest, HeadersOtherThanFormDataOnes) {
  auto parts = Parse(
      "--b\r\nX-Custom: 1\r\nContent-Disposition: form-data;\r\n name=\"folded\"\r\n"
      "Content-Type:  audio/wav ; rate=16000 \r\nContent-Transfer-Encoding: binary\r\n\r\n"
      "data\r\n--b--");
  ASSERT_TRUE(parts) << parts.error().ToString();
  EXPECT_EQ((*parts)[0].name, "folded");
  EXPECT_EQ((*parts)[0].content_type, "audio/wav ; rate=16000");
}

TEST(MultipartTest, MalformedBodies) {
  const std::string cd = "Content-Disposition: form-data; name=a\r\n";
  ExpectBodyError(Parse(""), "empty body");
  ExpectBodyError(Parse("no delimiter here"), "no '--b' delimiter");
  ExpectBodyError(Parse("--c\r\n" + cd + "\r\nx\r\n--c--"), "wrong boundary");
  ExpectBodyError(Parse("--b\r\n" + cd + "\r\nx"), "not followed by a boundary");
  ExpectBodyError(Parse("--b\r\n" + cd + "\r\nx\r\n--b"), "truncated");
  ExpectBodyError(Parse("--b\r\n" + cd + "\r\nx\r\n--b-"), "not ended by CRLF");
  ExpectBodyError(Parse("--b\r\n" + cd), "not ended by a blank line");
  ExpectBodyError(Parse("--b\n" + cd + "\nx\n--b--"), "not ended by CRLF");
  ExpectBodyError(Parse("--b junk\r\n" + cd + "\r\nx\r\n--b--"), "not ended by CRLF");
  ExpectBodyError(Parse("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"),
                  "part 1 has no Content-Disposition");
  ExpectBodyError(Parse("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"),
                  "no name parameter");
  ExpectBodyError(Parse("--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--"),
                  "expected form-data");
  ExpectBodyError(Parse("--b\r\n" + cd + cd + "\r\nx\r\n--b--"), "more than one");
  ExpectBodyError(Parse("--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--"),
                  "unterminated quoted string");
  ExpectBodyError(Parse("--b\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n\r\n--b--"),
                  "appears twice");
  ExpectBodyError(Parse("--b\r\n" + cd + "Content-Transfer-Encoding: base64\r\n\r\neA==\r\n--b--"),
                  "base64");
  ExpectBodyError(Parse("--b\r\nContent-Disposition: form-data; name=a\x01\r\n\r\n\r\n--b--"),
                  "control character");
  ExpectBodyError(Parse("--b\r\nBad Header: 1\r\n" + cd + "\r\n\r\n--b--"), "malformed header");
  ExpectBodyError(Parse("--b\r\n no-name\r\n" + cd + "\r\n\r\n--b--"), "whitespace");
  ExpectBodyError(Parse("--b\r\n" + cd + "Content-Type:\r\n\r\n\r\n--b--"), "empty Content-Type");
  // The second part is the one named in the message.
  ExpectBodyError(Parse("--b\r\n" + cd + "\r\n\r\n--b\r\nX: y\r\n\r\n\r\n--b--"), "part 2");
}

TEST(MultipartTest, Limits) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += "--b\r\nContent-Disposition: form-data; name=p\r\n\r\n\r\n";
  body += "--b--";
  EXPECT_TRUE(Parse(body, "b", {.max_parts = 3}));
  ExpectBodyError(Parse(body, "b", {.max_parts = 2}), "more than 2 parts");

  const std::string header =
      "Content-Disposition: form-data; name=\"" + std::string(100, 'n') + "\"\r\n\r\n";
  const std::size_t n = header.size();  // the whole block, blank line included
  EXPECT_TRUE(Parse("--b\r\n" + header + "\r\n--b--", "b", {.max_header_bytes = n}));
  ExpectBodyError(Parse("--b\r\n" + header + "\r\n--b--", "b", {.max_header_bytes = n - 1}),
                  "exceeds " + std::to_string(n - 1) + " bytes");
  // A header block that never ends is cut at the limit, not scanned to the end of the body.
  ExpectBodyError(Parse("--b\r\nX: " + std::string(1 << 20, 'a'), "b", {.max_header_bytes = 64}),
                  "exceeds 64 bytes");
}

TEST(MultipartTest, EncodedFormsParseBack) {
  const std::vector<testing::FormField> fields = {
      {"name", std::nullopt, "", "Jane"},
      {"we\"ird\\ na\r\nme", "a\"b\\c.wav", "audio/wav", "\r\n--b\r\n\x00"s},
      {"", "", "application/octet-stream", ""},
  };
  const std::string body = testing::EncodeForm(fields, "bb");
  auto parts = Parse(body, "bb");
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ((*parts)[i].name, fields[i].name);
    EXPECT_EQ((*parts)[i].filename, fields[i].filename);
    EXPECT_EQ((*parts)[i].content, fields[i].content);
  }
  EXPECT_EQ(testing::CheckInvariants(body, "multipart/form-data; boundary=bb", {}), "");
  EXPECT_EQ(testing::CheckInvariants(kCurlBody, kCurlType, {}), "");
}

}  // namespace
}  // namespace vox::http
