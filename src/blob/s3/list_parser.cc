#include "blob/s3/list_parser.h"

#include <expat.h>

#include <memory>

namespace vox::blob::s3 {
namespace {

// Collects the text of elements at chosen paths below the root.
class PathCollector {
 public:
  // Called with the element path ("Contents/Key", root excluded) and its text.
  using OnText = void (*)(void* context, std::string_view path, std::string text);

  PathCollector(void* context, OnText on_text) : context_(context), on_text_(on_text) {}

  // Parses `xml`; returns the root element's name, or an error.
  Result<std::string> Parse(std::string_view xml) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate("UTF-8"),
                                                                        &XML_ParserFree);
    if (!parser) return Internal("cannot create an XML parser");
    XML_SetUserData(parser.get(), this);
    XML_SetElementHandler(parser.get(), &Start, &End);
    XML_SetCharacterDataHandler(parser.get(), &Text);
    XML_SetStartDoctypeDeclHandler(parser.get(), &Doctype);
    parser_ = parser.get();
    if (xml.size() > static_cast<size_t>(INT32_MAX)) return Internal("S3 XML answer too large");
    XML_Status status = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
    if (saw_doctype_) return Internal("S3 XML answer has a DOCTYPE; refused");
    if (status != XML_STATUS_OK) {
      return Internal(std::string("malformed S3 XML answer: ") +
                      XML_ErrorString(XML_GetErrorCode(parser.get())) + " at line " +
                      std::to_string(XML_GetCurrentLineNumber(parser.get())));
    }
    return root_;
  }

 private:
  static void Start(void* data, const XML_Char* name, const XML_Char**) {
    auto* self = static_cast<PathCollector*>(data);
    if (self->depth_++ == 0) {
      self->root_ = name;
      return;
    }
    if (!self->path_.empty()) self->path_ += '/';
    self->path_ += name;
    self->text_.clear();
  }
  static void End(void* data, const XML_Char*) {
    auto* self = static_cast<PathCollector*>(data);
    if (--self->depth_ == 0) return;
    self->on_text_(self->context_, self->path_, std::move(self->text_));
    self->text_.clear();
    size_t slash = self->path_.rfind('/');
    self->path_.resize(slash == std::string::npos ? 0 : slash);
  }
  static void Text(void* data, const XML_Char* s, int len) {
    static_cast<PathCollector*>(data)->text_.append(s, static_cast<size_t>(len));
  }
  static void Doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* self = static_cast<PathCollector*>(data);
    self->saw_doctype_ = true;
    XML_StopParser(self->parser_, XML_FALSE);
  }

  void* context_;
  OnText on_text_;
  XML_Parser parser_ = nullptr;
  int depth_ = 0;
  std::string root_;
  std::string path_;
  std::string text_;
  bool saw_doctype_ = false;
};

}  // namespace

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  ListPage page;
  PathCollector collector(&page, [](void* context, std::string_view path, std::string text) {
    auto* p = static_cast<ListPage*>(context);
    if (path == "Contents/Key")
      p->keys.push_back(std::move(text));
    else if (path == "IsTruncated")
      p->truncated = text == "true";
    else if (path == "NextContinuationToken")
      p->next_token = std::move(text);
  });
  VOX_ASSIGN_OR_RETURN(std::string root, collector.Parse(xml));
  if (root != "ListBucketResult") {
    return Internal("expected an S3 ListBucketResult, got <" + root + ">");
  }
  if (page.truncated && page.next_token.empty()) {
    return Internal("S3 list page is truncated but has no NextContinuationToken");
  }
  return page;
}

S3ErrorBody ParseErrorBody(std::string_view xml) {
  S3ErrorBody body;
  PathCollector collector(&body, [](void* context, std::string_view path, std::string text) {
    auto* b = static_cast<S3ErrorBody*>(context);
    if (path == "Code")
      b->code = std::move(text);
    else if (path == "Message")
      b->message = std::move(text);
  });
  auto root = collector.Parse(xml);
  if (!root || *root != "Error") return {};
  return body;
}

}  // namespace vox::blob::s3
