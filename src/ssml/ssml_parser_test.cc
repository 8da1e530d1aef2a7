#include "ssml/ssml_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace vox::ssml {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Document Ok(const std::string& ssml) {
  auto doc = Parse(ssml);
  EXPECT_TRUE(doc.has_value()) << ssml << " -> " << doc.error().message;
  return doc ? *doc : Document{};
}

// The error's message (and that it is a 400 on "text").
std::string Err(const std::string& ssml, const ParseLimits& limits = {}) {
  auto doc = Parse(ssml, limits);
  if (doc) {
    ADD_FAILURE() << "accepted: " << ssml;
    return {};
  }
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(doc.error().field, "text");
  return doc.error().message;
}

std::string Texts(const Document& doc) {
  std::string out;
  for (const auto& s : doc.segments) out += "[" + s.text + "]";
  return out;
}

TEST(SsmlParserTest, PlainSpeakIsOneSegment) {
  Document doc = Ok("<speak>Hello world.</speak>");
  ASSERT_EQ(doc.segments.size(), 1u);
  EXPECT_EQ(doc.segments[0].text, "Hello world.");
  EXPECT_EQ(doc.segments[0].prosody, Prosody{});
  EXPECT_EQ(doc.segments[0].pause_before_s, 0);
}

TEST(SsmlParserTest, SpeakTakesNamespaceVersionAndLang) {
  Document doc =
      Ok("<?xml version=\"1.0\"?>\n<speak version=\"1.1\" "
         "xmlns=\"http://www.w3.org/2001/10/synthesis\" "
         "xml:lang=\"en-US\">Hi</speak>");
  ASSERT_EQ(doc.segments.size(), 1u);
  EXPECT_EQ(doc.segments[0].language, "en-US");
}

TEST(SsmlParserTest, ParagraphsAndSentencesSplitSegments) {
  Document doc = Ok("<speak><p><s>One</s><s>Two</s></p><p>Three</p></speak>");
  EXPECT_EQ(Texts(doc), "[One][Two][Three]");
}

TEST(SsmlParserTest, BreakTimesAndStrengths) {
  Document doc =
      Ok("<speak>a<break time=\"500ms\"/>b<break time=\"2s\"/>c<break/>d"
         "<break strength=\"none\"/>e<break strength=\"x-weak\"/>f<break strength=\"weak\"/>g"
         "<break strength=\"strong\"/>h<break strength=\"x-strong\"/>i"
         "<break strength=\"weak\" time=\"1.5s\"/>j</speak>");
  ASSERT_EQ(doc.segments.size(), 10u);
  const double expected[] = {0, 0.5, 2.0, 0.5, 0, 0.1, 0.25, 0.75, 1.0, 1.5};
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_DOUBLE_EQ(doc.segments[i].pause_before_s, expected[i]) << i;
  }
}

TEST(SsmlParserTest, BreaksAddUpAndTrailingBreakIsKept) {
  Document doc =
      Ok("<speak><break time=\"1s\"/><break time=\"250ms\"/>x<break time=\"3s\"/></speak>");
  ASSERT_EQ(doc.segments.size(), 1u);
  EXPECT_DOUBLE_EQ(doc.segments[0].pause_before_s, 1.25);
  EXPECT_DOUBLE_EQ(doc.tail_pause_s, 3.0);
}

TEST(SsmlParserTest, ProsodyNestsAndMultiplies) {
  Document doc =
      Ok("<speak><prosody rate=\"slow\" pitch=\"+2st\" volume=\"+6dB\">a"
         "<prosody rate=\"200%\" pitch=\"-10%\" volume=\"soft\">b</prosody>c</prosody>d</speak>");
  ASSERT_EQ(doc.segments.size(), 4u);
  EXPECT_EQ(Texts(doc), "[a][b][c][d]");
  EXPECT_DOUBLE_EQ(doc.segments[0].prosody.rate, 0.75);
  EXPECT_NEAR(doc.segments[0].prosody.pitch, std::exp2(2.0 / 12), 1e-12);
  EXPECT_DOUBLE_EQ(doc.segments[0].prosody.volume_db, 6);
  EXPECT_DOUBLE_EQ(doc.segments[1].prosody.rate, 1.5);
  EXPECT_NEAR(doc.segments[1].prosody.pitch, std::exp2(2.0 / 12) * 0.9, 1e-12);
  EXPECT_DOUBLE_EQ(doc.segments[1].prosody.volume_db, 0);
  EXPECT_EQ(doc.segments[2].prosody, doc.segments[0].prosody);
  EXPECT_EQ(doc.segments[3].prosody, Prosody{});
}

TEST(SsmlParserTest, ProsodyValueTables) {
  auto rate = [](const std::string& v) {
    return Ok("<speak><prosody rate=\"" + v + "\">x</prosody></speak>").segments.at(0).prosody.rate;
  };
  EXPECT_DOUBLE_EQ(rate("x-slow"), 0.5);
  EXPECT_DOUBLE_EQ(rate("medium"), 1);
  EXPECT_DOUBLE_EQ(rate("fast"), 1.25);
  EXPECT_DOUBLE_EQ(rate("x-fast"), 1.75);
  EXPECT_DOUBLE_EQ(rate("+20%"), 1.2);
  EXPECT_DOUBLE_EQ(rate("-50%"), 0.5);
  EXPECT_DOUBLE_EQ(rate("1.5"), 1.5);
  auto pitch = [](const std::string& v) {
    return Ok("<speak><prosody pitch=\"" + v + "\">x</prosody></speak>")
        .segments.at(0)
        .prosody.pitch;
  };
  EXPECT_DOUBLE_EQ(pitch("x-low"), 0.7);
  EXPECT_DOUBLE_EQ(pitch("x-high"), 1.3);
  EXPECT_DOUBLE_EQ(pitch("+10%"), 1.1);
  EXPECT_NEAR(pitch("-12st"), 0.5, 1e-12);
  auto volume = [](const std::string& v) {
    return Ok("<speak><prosody volume=\"" + v + "\">x</prosody></speak>").segments.at(0).prosody;
  };
  EXPECT_DOUBLE_EQ(volume("x-soft").volume_db, -12);
  EXPECT_DOUBLE_EQ(volume("x-loud").volume_db, 12);
  EXPECT_DOUBLE_EQ(volume("-6dB").volume_db, -6);
  EXPECT_TRUE(volume("silent").silent);
  EXPECT_FALSE(volume("loud").silent);
}

TEST(SsmlParserTest, SayAsSubAndPhonemeBecomeText) {
  Document doc =
      Ok("<speak>Room <say-as interpret-as=\"cardinal\">1,204</say-as>, the "
         "<say-as interpret-as=\"ordinal\">3</say-as> floor, code "
         "<say-as interpret-as=\"characters\">ab1</say-as>, pin "
         "<say-as interpret-as=\"digits\">042</say-as>, on "
         "<say-as interpret-as=\"date\" format=\"dmy\">05/01/2024</say-as>, call "
         "<say-as interpret-as=\"telephone\">+1 555-0100</say-as> at "
         "<say-as interpret-as=\"time\">10:30</say-as> for "
         "<say-as interpret-as=\"currency\">$3.50</say-as>. "
         "<sub alias=\"World Wide Web Consortium\">W3C</sub> says "
         "<phoneme alphabet=\"ipa\" ph=\"t\u0259\u02c8me\u026a\u027eo\u028a\">tomato</phoneme>"
         "<emphasis level=\"strong\">now</emphasis>.</speak>");
  // The phoneme element is a run of its own, joined to its neighbours where IPA is not read.
  ASSERT_EQ(doc.segments.size(), 3u);
  EXPECT_EQ(doc.segments[1].text, "tomato");
  EXPECT_EQ(doc.segments[1].phonemes, "t\u0259\u02c8me\u026a\u027eo\u028a");
  EXPECT_FALSE(doc.segments[0].joins_previous);
  EXPECT_TRUE(doc.segments[1].joins_previous);
  EXPECT_TRUE(doc.segments[2].joins_previous);
  EXPECT_TRUE(doc.segments[0].phonemes.empty());
  EXPECT_TRUE(doc.segments[2].phonemes.empty());
  const std::string t = doc.segments[0].text + doc.segments[1].text + doc.segments[2].text;
  EXPECT_THAT(t, HasSubstr("one thousand two hundred four"));
  EXPECT_THAT(t, HasSubstr("third floor"));
  EXPECT_THAT(t, HasSubstr("A B one"));
  EXPECT_THAT(t, HasSubstr("zero four two"));
  EXPECT_THAT(t, HasSubstr("January fifth, twenty twenty-four"));
  EXPECT_THAT(t, HasSubstr("plus one, five five five, zero one zero zero"));
  EXPECT_THAT(t, HasSubstr("10:30"));
  EXPECT_THAT(t, HasSubstr("$3.50"));
  EXPECT_THAT(t, HasSubstr("World Wide Web Consortium"));
  EXPECT_THAT(t, ::testing::Not(HasSubstr("W3C")));
  EXPECT_THAT(t, HasSubstr("tomato"));
  EXPECT_THAT(t, HasSubstr("now"));
}

TEST(SsmlParserTest, DateFormats) {
  auto date = [](const std::string& format, const std::string& value) {
    return Ok("<speak><say-as interpret-as=\"date\" format=\"" + format + "\">" + value +
              "</say-as></speak>")
        .segments.at(0)
        .text;
  };
  EXPECT_THAT(date("mdy", "12-25-1999"), HasSubstr("December twenty-fifth, nineteen ninety-nine"));
  EXPECT_THAT(date("ymd", "2000.02.01"), HasSubstr("February first, two thousand"));
  EXPECT_THAT(
      Err("<speak><say-as interpret-as=\"date\" format=\"mdy\">13/01/2000</say-as></speak>"),
      HasSubstr("is not one"));
  EXPECT_THAT(Err("<speak><say-as interpret-as=\"date\" format=\"qq\">1/2/3</say-as></speak>"),
              HasSubstr("format 'qq'"));
}

TEST(SsmlParserTest, PhonemeEdgesAreSoftOnlyWithNothingBetween) {
  Document doc =
      Ok("<speak><p><phoneme ph=\"a\">A</phoneme></p> <phoneme ph=\"b\">B</phoneme> "
         "<phoneme ph=\"c\">C</phoneme><break/><phoneme ph=\"d\">D</phoneme>"
         "<mark name=\"m\"/> after</speak>");
  EXPECT_EQ(Texts(doc), "[A][ B][ C][D][ after]");
  std::vector<bool> joins;
  for (const auto& s : doc.segments) joins.push_back(s.joins_previous);
  // A after <p> (hard); B after </p> (hard); C after B (soft, the space kept); D after a
  // break, "after" after a mark.
  EXPECT_EQ(joins, (std::vector<bool>{false, false, true, false, false}));
  EXPECT_EQ(doc.segments[3].phonemes, "d");
  EXPECT_TRUE(doc.segments[4].phonemes.empty());
}

TEST(SsmlParserTest, MarksAttachToTheNextRunOrTheTail) {
  Document doc =
      Ok("<speak><mark name=\"start\"/>One <mark name=\"a\"/><mark name=\"b\"/>two"
         "<mark name=\"end\"/></speak>");
  ASSERT_EQ(doc.segments.size(), 2u);
  EXPECT_THAT(doc.segments[0].marks, ElementsAre("start"));
  EXPECT_THAT(doc.segments[1].marks, ElementsAre("a", "b"));
  EXPECT_THAT(doc.tail_marks, ElementsAre("end"));
}

TEST(SsmlParserTest, LangSetsTheRunsLanguage) {
  Document doc = Ok("<speak>Hi <lang xml:lang=\"de-DE\">Guten Tag</lang> there</speak>");
  EXPECT_EQ(Texts(doc), "[Hi ][Guten Tag][ there]");
  EXPECT_EQ(doc.segments[0].language, "");
  EXPECT_EQ(doc.segments[1].language, "de-DE");
}

TEST(SsmlParserTest, PredefinedAndCharacterEntitiesAreText) {
  Document doc = Ok("<speak>A &amp; B &lt;3 &#x263A;</speak>");
  EXPECT_EQ(doc.segments.at(0).text, "A & B <3 \u263A");
}

// The document text behind the first run text that holds `what`.
std::string FromDocument(const std::string& ssml, const Document& doc, std::string_view what) {
  for (const Segment& segment : doc.segments) {
    const size_t at = segment.text.find(what);
    if (at == std::string::npos) continue;
    const auto [b, e] = DocumentRange(segment, at, at + what.size());
    return ssml.substr(b, e - b);
  }
  ADD_FAILURE() << what << " is in no run";
  return {};
}

TEST(SsmlParserTest, SegmentsSayWhereTheirTextIsInTheDocument) {
  const std::string ssml =
      "<speak>Hello &amp; <sub alias=\"World Wide Web\">W3C</sub> friends,\r\n"
      "<p>room <say-as interpret-as=\"cardinal\">1,204</say-as> at "
      "<phoneme ph=\"təˈmeɪɾoʊ\">tomato</phoneme> "
      "<sub alias=\"Doctor\"/> &#x263A; café</p></speak>";
  Document doc = Ok(ssml);
  ASSERT_EQ(doc.segments.size(), 4u);  // the phoneme's run is its own
  EXPECT_EQ(FromDocument(ssml, doc, "Hello"), "Hello");
  EXPECT_EQ(FromDocument(ssml, doc, "&"), "&amp;");
  EXPECT_EQ(FromDocument(ssml, doc, "Wide"), "W3C");  // the alias reads the element's text
  EXPECT_EQ(FromDocument(ssml, doc, "Hello & World"),
            "Hello &amp; <sub alias=\"World Wide Web\">W3C");
  EXPECT_EQ(FromDocument(ssml, doc, "friends"), "friends");
  EXPECT_EQ(FromDocument(ssml, doc, "room"), "room");
  EXPECT_EQ(FromDocument(ssml, doc, "two hundred"), "1,204");
  EXPECT_EQ(FromDocument(ssml, doc, "tomato"), "tomato");
  EXPECT_EQ(FromDocument(ssml, doc, "Doctor"), "<sub alias=\"Doctor\"/>");  // no content
  EXPECT_EQ(FromDocument(ssml, doc, "☺"), "&#x263A;");
  EXPECT_EQ(FromDocument(ssml, doc, "café"), "café");
  const Segment& first = doc.segments[0];
  // The pieces cover the text, in order.
  for (const Segment& segment : doc.segments) {
    size_t at = 0;
    for (const auto& piece : segment.source) {
      EXPECT_EQ(piece.begin, at);
      EXPECT_LE(piece.source_end, ssml.size());
      at = piece.end;
    }
    EXPECT_EQ(at, segment.text.size());
  }
  // An empty range maps to an empty range where it stands.
  const auto [b, e] = DocumentRange(first, 0, 0);
  EXPECT_EQ(b, ssml.find("Hello"));
  EXPECT_EQ(e, b);
}

TEST(SsmlParserTest, ErrorsNameLineColumnAndProblem) {
  EXPECT_EQ(Err("<speak>\n  <foo/>\n</speak>"), "SSML line 2, column 3: unknown element <foo>");
  EXPECT_THAT(Err("<speak><break time=\"soon\"/></speak>"),
              AllOf(StartsWith("SSML line 1, column 8: "), HasSubstr("time=\"soon\"")));
  EXPECT_THAT(Err("<speak><break strength=\"huge\"/></speak>"), HasSubstr("strength"));
  EXPECT_THAT(Err("<speak><prosody rate=\"warp\">x</prosody></speak>"), HasSubstr("rate=\"warp\""));
  EXPECT_THAT(Err("<speak><prosody pitch=\"+200%\">x</prosody></speak>"), HasSubstr("pitch"));
  EXPECT_THAT(Err("<speak><prosody volume=\"+40dB\">x</prosody></speak>"), HasSubstr("volume"));
  EXPECT_THAT(Err("<speak><prosody duration=\"2s\">x</prosody></speak>"),
              HasSubstr("does not take the attribute 'duration'"));
  EXPECT_THAT(Err("<speak><p>unclosed</speak>"),
              HasSubstr("mismatched end tag: <p> is still open"));
  EXPECT_THAT(Err("<speak><s>open"), HasSubstr("unclosed tag <s>"));
  EXPECT_THAT(Err("hello <speak>x</speak>"), HasSubstr("text outside <speak>"));
  EXPECT_THAT(Err("<speak>x</speak> trailing"), HasSubstr("after </speak>"));
  EXPECT_THAT(Err("<p>x</p>"), HasSubstr("the root element must be <speak>"));
  EXPECT_THAT(Err("<speak><speak>x</speak></speak>"), HasSubstr("only be the root"));
  EXPECT_THAT(Err("<speak><say-as>1</say-as></speak>"),
              HasSubstr("needs the attribute 'interpret-as'"));
  EXPECT_THAT(Err("<speak><say-as interpret-as=\"cardinal\">x1</say-as></speak>"),
              HasSubstr("say-as cardinal"));
  EXPECT_THAT(Err("<speak><say-as interpret-as=\"spell\">x</say-as></speak>"),
              HasSubstr("interpret-as 'spell' is not supported"));
  EXPECT_THAT(Err("<speak><say-as interpret-as=\"digits\"><break/>1</say-as></speak>"),
              HasSubstr("may contain only text"));
  EXPECT_THAT(Err("<speak><sub>W3C</sub></speak>"), HasSubstr("'alias'"));
  EXPECT_THAT(Err("<speak><phoneme alphabet=\"x-sampa\" ph=\"a\">a</phoneme></speak>"),
              HasSubstr("alphabet"));
  EXPECT_THAT(Err("<speak><mark/></speak>"), HasSubstr("'name'"));
  EXPECT_THAT(Err("<speak><break>text</break></speak>"), HasSubstr("<break> must be empty"));
  EXPECT_THAT(Err("<speak><lang>x</lang></speak>"), HasSubstr("'xml:lang'"));
  EXPECT_THAT(Err("<speak><emphasis level=\"loud\">x</emphasis></speak>"), HasSubstr("level"));
  EXPECT_THAT(Err("<speak>&nbsp;</speak>"), HasSubstr("undefined entity"));
  EXPECT_THAT(Err("<speak a=\"1\" a=\"2\">x</speak>"), HasSubstr("malformed XML"));
  EXPECT_THAT(Err(""), HasSubstr("SSML line 1"));
}

TEST(SsmlParserTest, RefusesDoctypeAndEntityDeclarations) {
  // Billion laughs: refused at the DOCTYPE, before any entity is declared.
  std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  for (int i = 1; i < 10; ++i) {
    laughs += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      laughs += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    laughs += "\">";
  }
  laughs += "]><speak>&lol9;</speak>";
  EXPECT_THAT(Err(laughs), HasSubstr("a DOCTYPE is not allowed"));
  EXPECT_THAT(Err("<!DOCTYPE speak SYSTEM \"file:///etc/passwd\"><speak>x</speak>"),
              HasSubstr("DOCTYPE"));
}

TEST(SsmlParserTest, LimitsAreEnforced) {
  std::string deep = "<speak>";
  for (int i = 0; i < 40; ++i) deep += "<p>";
  EXPECT_THAT(Err(deep), HasSubstr("nested deeper than 32"));

  ParseLimits few;
  few.max_elements = 5;
  std::string many = "<speak>";
  for (int i = 0; i < 10; ++i) many += "<break time=\"1ms\"/>";
  many += "</speak>";
  EXPECT_THAT(Err(many, few), HasSubstr("more than 5 elements"));

  const std::string huge(2000, 'x');
  EXPECT_THAT(Err("<speak><mark name=\"" + huge + "\"/></speak>"),
              HasSubstr("longer than 1024 bytes"));

  ParseLimits small;
  small.max_bytes = 20;
  EXPECT_THAT(Err("<speak>this is longer than twenty bytes</speak>", small),
              HasSubstr("longer than 20 bytes"));

  EXPECT_THAT(Err("<speak><break time=\"11s\"/>x</speak>"), HasSubstr("at most 10s"));
  std::string long_pause = "<speak>";
  for (int i = 0; i < 61; ++i) long_pause += "<break time=\"10s\"/>";
  long_pause += "</speak>";
  EXPECT_THAT(Err(long_pause), HasSubstr("more than 600 seconds"));
}

TEST(SsmlParserTest, EmptySpeakHasNothing) {
  Document doc = Ok("<speak>  <break time=\"1s\"/> </speak>");
  EXPECT_TRUE(doc.segments.empty());
  EXPECT_DOUBLE_EQ(doc.tail_pause_s, 1.0);
}

}  // namespace
}  // namespace vox::ssml
