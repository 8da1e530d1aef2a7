#include "ssml/ssml_parser.h"

#include <expat.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "ssml/attribute_values.h"
#include "ssml/say_as.h"

namespace vox::ssml {
namespace {

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Elements whose content is text only, read as something else (say-as, sub,
// phoneme): their text is collected and expanded at the end tag.
enum class Capture { kNone, kSayAs, kSub, kPhoneme };

struct Frame {
  std::string name;
  Prosody prosody;
  std::string language;
  bool empty_only = false;  // break, mark: no content at all
};

class Parser {
 public:
  explicit Parser(const ParseLimits& limits) : limits_(limits) {}

  Result<Document> Run(std::string_view ssml) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate("UTF-8"),
                                                                        &XML_ParserFree);
    if (!parser) return Internal("cannot create the XML parser");
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &Parser::OnStart, &Parser::OnEnd);
    XML_SetCharacterDataHandler(parser_, &Parser::OnText);
    // No DTD, no entity declarations: refused before expat expands anything.
    XML_SetStartDoctypeDeclHandler(parser_, &Parser::OnDoctype);
    XML_SetEntityDeclHandler(parser_, &Parser::OnEntityDecl);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);

    if (ssml.size() > limits_.max_bytes) {
      return InvalidArgument("SSML is longer than " + std::to_string(limits_.max_bytes) + " bytes",
                             "text");
    }
    const auto status = XML_Parse(parser_, ssml.data(), static_cast<int>(ssml.size()), XML_TRUE);
    if (error_) return std::unexpected(*error_);
    if (status != XML_STATUS_OK) return ExpatError();
    if (!seen_root_) return Fail("the document has no <speak> element");
    doc_.tail_pause_s = pending_pause_;
    doc_.tail_marks = std::move(pending_marks_);
    return std::move(doc_);
  }

 private:
  // --- errors ----------------------------------------------------------------
  std::string Where() const {
    return "SSML line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
           std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": ";
  }

  std::unexpected<Error> Fail(const std::string& what) {
    return InvalidArgument(Where() + what, "text");
  }

  // Records the first error and stops expat; handlers return right after.
  void Stop(const std::string& what) {
    if (error_) return;
    error_ = Fail(what).error();
    XML_StopParser(parser_, XML_FALSE);
  }

  std::unexpected<Error> ExpatError() {
    const XML_Error code = XML_GetErrorCode(parser_);
    if (code == XML_ERROR_NO_ELEMENTS && !stack_.empty()) {
      return Fail("unclosed tag <" + stack_.back().name + ">");
    }
    if (code == XML_ERROR_TAG_MISMATCH && !stack_.empty()) {
      return Fail("mismatched end tag: <" + stack_.back().name + "> is still open");
    }
    if (code == XML_ERROR_SYNTAX && !seen_root_) {
      return Fail("text outside <speak> (an SSML document is one <speak> element)");
    }
    if (code == XML_ERROR_JUNK_AFTER_DOC_ELEMENT) return Fail("text or markup after </speak>");
    if (code == XML_ERROR_UNDEFINED_ENTITY) {
      return Fail("undefined entity (only &lt; &gt; &amp; &quot; &apos; and character references)");
    }
    return Fail(std::string("malformed XML: ") + XML_ErrorString(code));
  }

  // --- segments --------------------------------------------------------------
  // Ends the run being collected. `soft`: only at a <phoneme>'s edge (see Segment); a run of
  // its text carries its `phonemes`.
  void Flush(bool soft = false, std::string phonemes = {}) {
    if (IsBlank(text_)) {
      soft_ = soft_ && soft;
      // Spaces between two soft edges stay: they separate the words when the runs are joined.
      if (soft) return;
    } else {
      Segment segment;
      segment.text = std::move(text_);
      segment.prosody = stack_.empty() ? Prosody{} : stack_.back().prosody;
      segment.language = stack_.empty() ? std::string() : stack_.back().language;
      segment.pause_before_s = pending_pause_;
      segment.marks = std::move(pending_marks_);
      segment.source = std::move(source_);
      segment.phonemes = std::move(phonemes);
      segment.joins_previous =
          soft_ && pending_pause_ == 0 && pending_marks_.empty() && !doc_.segments.empty();
      doc_.segments.push_back(std::move(segment));
      pending_pause_ = 0;
      pending_marks_.clear();
      soft_ = soft;
    }
    text_.clear();
    source_.clear();
  }

  // `spoken` joins the run, read from document bytes [begin, end).
  void Append(std::string_view spoken, size_t begin, size_t end) {
    if (spoken.empty()) return;
    source_.push_back({text_.size(), text_.size() + spoken.size(), begin, end});
    text_.append(spoken);
  }

  // The current event's bytes in the document (expat counts from the start of the input).
  size_t EventBegin() const { return static_cast<size_t>(XML_GetCurrentByteIndex(parser_)); }
  size_t EventEnd() const {
    return EventBegin() + static_cast<size_t>(XML_GetCurrentByteCount(parser_));
  }

  // --- attributes ------------------------------------------------------------
  using Attrs = const XML_Char**;

  // Every attribute must be in `allowed`; "xml:lang" and "xmlns*" are allowed
  // where `namespaces` says so (on speak).
  bool CheckAttributes(std::string_view element, Attrs attrs,
                       std::initializer_list<std::string_view> allowed, bool namespaces = false) {
    for (size_t i = 0; attrs[i] != nullptr; i += 2) {
      const std::string_view name = attrs[i];
      if (std::string_view(attrs[i + 1]).size() > limits_.max_attribute_bytes) {
        Stop("attribute '" + std::string(name) + "' of <" + std::string(element) +
             "> is longer than " + std::to_string(limits_.max_attribute_bytes) + " bytes");
        return false;
      }
      bool ok = std::find(allowed.begin(), allowed.end(), name) != allowed.end();
      if (namespaces &&
          (name.starts_with("xmlns") || name == "version" || name == "xsi:schemaLocation")) {
        ok = true;
      }
      if (!ok) {
        Stop("<" + std::string(element) + "> does not take the attribute '" +
             std::string(name.substr(0, 64)) + "'");
        return false;
      }
    }
    return true;
  }

  static std::optional<std::string_view> Attr(Attrs attrs, std::string_view name) {
    for (size_t i = 0; attrs[i] != nullptr; i += 2) {
      if (name == attrs[i]) return std::string_view(attrs[i + 1]);
    }
    return std::nullopt;
  }

  std::optional<std::string_view> Required(std::string_view element, Attrs attrs,
                                           std::string_view name) {
    auto v = Attr(attrs, name);
    if (!v) {
      Stop("<" + std::string(element) + "> needs the attribute '" + std::string(name) + "'");
    }
    return v;
  }

  void BadValue(std::string_view element, std::string_view attr, std::string_view value,
                std::string_view expected) {
    Stop("<" + std::string(element) + " " + std::string(attr) + "=\"" +
         std::string(value.substr(0, 64)) + "\">: expected " + std::string(expected));
  }

  // Applies a number from attribute_values.h, or stops with what was expected.
  template <typename F>
  bool Value(std::string_view element, Attrs attrs, std::string_view name, F parse,
             std::string_view expected, double& out) {
    auto v = Attr(attrs, name);
    if (!v) return true;
    auto parsed = parse(*v);
    if (!parsed) {
      BadValue(element, name, *v, expected);
      return false;
    }
    out = *parsed;
    return true;
  }

  // --- elements --------------------------------------------------------------
  void Start(std::string_view name, Attrs attrs) {
    if (++elements_ > limits_.max_elements) {
      return Stop("more than " + std::to_string(limits_.max_elements) + " elements");
    }
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      return Stop("elements nested deeper than " + std::to_string(limits_.max_depth));
    }
    if (capture_ != Capture::kNone) {
      return Stop("<" + stack_.back().name + "> may contain only text, not <" +
                  std::string(name.substr(0, 64)) + ">");
    }
    if (!stack_.empty() && stack_.back().empty_only) {
      return Stop("<" + stack_.back().name + "> must be empty");
    }
    if (stack_.empty() != (name == "speak")) {
      return Stop(stack_.empty() ? "the root element must be <speak>, not <" +
                                       std::string(name.substr(0, 64)) + ">"
                                 : "<speak> may only be the root element");
    }
    Frame frame = stack_.empty() ? Frame{} : stack_.back();
    frame.name = std::string(name);
    frame.empty_only = false;
    if (auto lang = Attr(attrs, "xml:lang")) frame.language = std::string(*lang);

    if (name == "speak") {
      seen_root_ = true;
      if (!CheckAttributes(name, attrs, {"xml:lang"}, /*namespaces=*/true)) return;
    } else if (name == "p" || name == "s") {
      if (!CheckAttributes(name, attrs, {"xml:lang"})) return;
      Flush();
    } else if (name == "break") {
      if (!CheckAttributes(name, attrs, {"time", "strength"})) return;
      double seconds = 0.5;  // medium, when neither attribute is given
      if (!Value(name, attrs, "strength", BreakStrength,
                 "none, x-weak, weak, medium, strong or x-strong", seconds)) {
        return;
      }
      if (!Value(name, attrs, "time", BreakTime, "a duration such as \"500ms\" or \"2s\"",
                 seconds)) {
        return;
      }
      if (seconds > limits_.max_break_s) {
        return BadValue(name, "time", Attr(attrs, "time").value_or(""),
                        "at most " + std::to_string(static_cast<int>(limits_.max_break_s)) + "s");
      }
      if (total_pause_s_ + seconds > limits_.max_total_pause_s) {
        return Stop("the breaks add up to more than " +
                    std::to_string(static_cast<int>(limits_.max_total_pause_s)) + " seconds");
      }
      Flush();
      total_pause_s_ += seconds;
      pending_pause_ += seconds;
      frame.empty_only = true;
    } else if (name == "mark") {
      if (!CheckAttributes(name, attrs, {"name"})) return;
      auto mark = Required(name, attrs, "name");
      if (!mark) return;
      Flush();
      pending_marks_.emplace_back(*mark);
      frame.empty_only = true;
    } else if (name == "prosody") {
      if (!CheckAttributes(name, attrs, {"rate", "pitch", "volume"})) return;
      double rate = 1, pitch = 1, volume_db = 0;
      if (!Value(name, attrs, "rate", Rate,
                 "x-slow, slow, medium, fast, x-fast, a percentage or a number (0.25 to 4)",
                 rate) ||
          !Value(name, attrs, "pitch", Pitch,
                 "x-low, low, medium, high, x-high, \"+N%\"/\"-N%\" or \"+Nst\"/\"-Nst\" "
                 "(0.5 to 2 times)",
                 pitch) ||
          !Value(name, attrs, "volume", VolumeDb,
                 "silent, x-soft, soft, medium, loud, x-loud or \"+NdB\"/\"-NdB\" (-40 to +12)",
                 volume_db)) {
        return;
      }
      Flush();
      frame.prosody.rate *= rate;
      frame.prosody.pitch *= pitch;
      if (std::isinf(volume_db)) {
        frame.prosody.silent = true;
      } else {
        frame.prosody.volume_db += volume_db;
      }
    } else if (name == "say-as") {
      if (!CheckAttributes(name, attrs, {"interpret-as", "format", "detail"})) return;
      auto kind = Required(name, attrs, "interpret-as");
      if (!kind) return;
      say_as_kind_ = std::string(*kind);
      say_as_format_ = std::string(Attr(attrs, "format").value_or(""));
      capture_ = Capture::kSayAs;
    } else if (name == "sub") {
      if (!CheckAttributes(name, attrs, {"alias"})) return;
      auto alias = Required(name, attrs, "alias");
      if (!alias) return;
      sub_alias_ = std::string(*alias);
      capture_ = Capture::kSub;
    } else if (name == "phoneme") {
      if (!CheckAttributes(name, attrs, {"alphabet", "ph"})) return;
      auto alphabet = Attr(attrs, "alphabet").value_or("ipa");
      if (alphabet != "ipa") return BadValue(name, "alphabet", alphabet, "\"ipa\"");
      auto ph = Required(name, attrs, "ph");
      if (!ph) return;
      Flush(/*soft=*/true);
      phonemes_ = std::string(*ph);
      capture_ = Capture::kPhoneme;
    } else if (name == "emphasis") {
      if (!CheckAttributes(name, attrs, {"level"})) return;
      auto level = Attr(attrs, "level").value_or("moderate");
      if (level != "strong" && level != "moderate" && level != "none" && level != "reduced") {
        return BadValue(name, "level", level, "strong, moderate, none or reduced");
      }
    } else if (name == "lang") {
      if (!CheckAttributes(name, attrs, {"xml:lang"})) return;
      if (!Required(name, attrs, "xml:lang")) return;
      Flush();
    } else {
      return Stop("unknown element <" + std::string(name.substr(0, 64)) + ">");
    }
    captured_.clear();
    if (capture_ != Capture::kNone) {
      element_begin_ = EventBegin();
      content_begin_ = EventEnd();
    }
    stack_.push_back(std::move(frame));
  }

  void End(std::string_view name) {
    if (capture_ != Capture::kNone) {
      std::string spoken;
      if (capture_ == Capture::kSayAs) {
        auto expanded = SayAs(say_as_kind_, say_as_format_, captured_);
        if (!expanded) return Stop(expanded.error().message);
        spoken = std::move(*expanded);
      } else if (capture_ == Capture::kSub) {
        spoken = sub_alias_;
      } else {
        spoken = captured_;  // phoneme: the text, read where the engine takes no IPA
      }
      // The expansion is read from the element's content, or from the whole element when it
      // has none (<sub alias="..."/>).
      const size_t content_end = EventBegin();
      if (IsBlank(captured_) || content_end <= content_begin_) {
        Append(spoken, element_begin_, std::max(content_begin_, EventEnd()));
      } else {
        Append(spoken, content_begin_, content_end);
      }
      if (capture_ == Capture::kPhoneme) Flush(/*soft=*/true, std::move(phonemes_));
      capture_ = Capture::kNone;
      captured_.clear();
    }
    // Before the pop: the run takes the prosody and language of the element it ends in.
    if (stack_.size() == 1 || name == "p" || name == "s" || name == "prosody" || name == "lang") {
      Flush();
    }
    stack_.pop_back();
  }

  void Text(std::string_view s) {
    if (stack_.empty()) return;  // whitespace around the root (expat refuses anything else)
    if (stack_.back().empty_only) {
      if (!IsBlank(s)) Stop("<" + stack_.back().name + "> must be empty");
      return;
    }
    if (capture_ != Capture::kNone) {
      captured_.append(s);
    } else {
      Append(s, EventBegin(), EventEnd());  // an entity's few bytes read as its one character
    }
  }

  // --- expat callbacks -------------------------------------------------------
  static Parser& Self(void* data) { return *static_cast<Parser*>(data); }
  static void OnStart(void* data, const XML_Char* name, const XML_Char** attrs) {
    Parser& p = Self(data);
    if (!p.error_) p.Start(name, attrs);
  }
  static void OnEnd(void* data, const XML_Char* name) {
    Parser& p = Self(data);
    if (!p.error_) p.End(name);
  }
  static void OnText(void* data, const XML_Char* s, int len) {
    Parser& p = Self(data);
    if (!p.error_) p.Text(std::string_view(s, static_cast<size_t>(len)));
  }
  static void OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    Self(data).Stop("a DOCTYPE is not allowed in SSML");
  }
  static void OnEntityDecl(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                           const XML_Char*, const XML_Char*, const XML_Char*) {
    Self(data).Stop("entity declarations are not allowed in SSML");
  }

  const ParseLimits& limits_;
  XML_Parser parser_ = nullptr;
  std::optional<Error> error_;
  Document doc_;
  std::vector<Frame> stack_;
  bool seen_root_ = false;
  size_t elements_ = 0;
  std::string text_;                              // the run being collected
  std::vector<text::AlignedSpan> source_;         // where text_ came from
  size_t element_begin_ = 0, content_begin_ = 0;  // of the say-as, sub or phoneme being read
  double pending_pause_ = 0;
  double total_pause_s_ = 0;
  std::vector<std::string> pending_marks_;
  Capture capture_ = Capture::kNone;
  std::string captured_, say_as_kind_, say_as_format_, sub_alias_, phonemes_;
  bool soft_ = false;  // the run being collected starts at a <phoneme>'s edge
};

}  // namespace

Result<Document> Parse(std::string_view ssml, const ParseLimits& limits) {
  return Parser(limits).Run(ssml);
}

}  // namespace vox::ssml
