// SSML on the compatible routes (OpenAI's `input`, ElevenLabs' `text`), which have no field
// saying what the text is: with VOX_COMPAT_SSML on, a text that is an SSML document (after
// leading whitespace it opens a `<speak` tag) is spoken as SSML, exactly as the native
// `"text_type":"ssml"`. Off by default: a plain-text client may send text that starts with
// "<speak", and it is then read as text, as before.
#pragma once

#include <string_view>

#include "common/status.h"

namespace vox::api {

// Whether `text` opens with a `<speak` tag after whitespace: "<speak" followed by '>', '/',
// whitespace or the end ("<speaker" is text).
bool StartsAsSsml(std::string_view text);

// Whether a compatible route speaks `text` as SSML: false when `enabled` is off or the text
// does not StartsAsSsml; true when it does and the document parses (ssml::Parse, the native
// route's parser and limits); the parser's error otherwise (kInvalidArgument, field "text",
// "SSML line L, column C: ..."), which the route shows in its own shape.
Result<bool> CompatTextIsSsml(std::string_view text, bool enabled);

}  // namespace vox::api
