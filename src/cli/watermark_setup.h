// The server's watermarker (watermark/watermarker.h) from VOX_WATERMARK and
// VOX_WATERMARK_KEY_FILE, logged and audited at start-up.
#pragma once

#include <memory>

#include "common/status.h"
#include "store/store.h"
#include "watermark/watermarker.h"

namespace vox::cli {

// Logs the setting (never the key), warns about the development key, and
// appends an audit event "watermark.disabled" when VOX_WATERMARK=off: turning
// the marks off is on the record.
Result<std::unique_ptr<watermark::Watermarker>> StartWatermarker(store::Store& store);

}  // namespace vox::cli
