#include "audio/mp3_decoder.h"

#include <mpg123.h>
#include <sys/types.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "audio/decode_sink.h"

namespace vox::audio::internal {
namespace {

struct Reader {
  std::string_view bytes;
  std::size_t pos = 0;
};

ssize_t ReadCallback(void* handle, void* buffer, size_t count) {
  auto* r = static_cast<Reader*>(handle);
  const std::size_t n = std::min(count, r->bytes.size() - r->pos);
  std::memcpy(buffer, r->bytes.data() + r->pos, n);
  r->pos += n;
  return static_cast<ssize_t>(n);
}

off_t SeekCallback(void* handle, off_t offset, int whence) {
  auto* r = static_cast<Reader*>(handle);
  const auto size = static_cast<off_t>(r->bytes.size());
  const off_t base = whence == SEEK_CUR   ? static_cast<off_t>(r->pos)
                     : whence == SEEK_END ? size
                                          : 0;
  if (offset > size || offset < -size) return -1;  // also keeps base + offset from overflowing
  const off_t target = base + offset;
  if (target < 0 || target > size) return -1;
  r->pos = static_cast<std::size_t>(target);
  return target;
}

struct HandleDeleter {
  void operator()(mpg123_handle* mh) const {
    mpg123_close(mh);
    mpg123_delete(mh);
  }
};

std::string HandleError(mpg123_handle* mh) {
  const char* text = mpg123_strerror(mh);
  return text != nullptr ? text : "unknown mpg123 error";
}

Result<std::unique_ptr<mpg123_handle, HandleDeleter>> OpenHandle(Reader* reader) {
  // A no-op since mpg123 1.27 but still required by older versions; once is enough.
  static std::once_flag init_once;
  static int init_result = MPG123_OK;
  std::call_once(init_once, [] { init_result = mpg123_init(); });
  if (init_result != MPG123_OK) return Internal("mpg123_init failed");

  int error = MPG123_OK;
  std::unique_ptr<mpg123_handle, HandleDeleter> mh(mpg123_new(nullptr, &error));
  if (!mh) return Internal(std::string("mpg123_new failed: ") + mpg123_plain_strerror(error));
  mpg123_param(mh.get(), MPG123_ADD_FLAGS,
               MPG123_QUIET | MPG123_GAPLESS | MPG123_FORCE_FLOAT | MPG123_NO_FRANKENSTEIN, 0.0);
  mpg123_param(mh.get(), MPG123_REMOVE_FLAGS, MPG123_AUTO_RESAMPLE, 0.0);
  // Decode every stream at its own rate and channel count, as float.
  mpg123_format_none(mh.get());
  const long* rates = nullptr;
  std::size_t rate_count = 0;
  mpg123_rates(&rates, &rate_count);
  for (std::size_t i = 0; i < rate_count; ++i) {
    mpg123_format(mh.get(), rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
  }
  if (mpg123_replace_reader_handle(mh.get(), ReadCallback, SeekCallback, nullptr) != MPG123_OK ||
      mpg123_open_handle(mh.get(), reader) != MPG123_OK) {
    return InvalidArgument("cannot open mp3 audio: " + HandleError(mh.get()), kAudioField);
  }
  return mh;
}

}  // namespace

Result<PcmBuffer> DecodeMp3(std::string_view bytes, const DecodeOptions& options) {
  Reader reader{bytes, 0};
  VOX_ASSIGN_OR_RETURN(auto mh, OpenHandle(&reader));

  long rate = 0;
  int channels = 0;
  int encoding = 0;
  if (mpg123_getformat(mh.get(), &rate, &channels, &encoding) != MPG123_OK) {
    return InvalidArgument("cannot decode mp3 audio: " + HandleError(mh.get()), kAudioField);
  }
  VOX_ASSIGN_OR_RETURN(DecodeSink sink, DecodeSink::Create(rate, channels, options, "mp3"));
  // No up-front length check: without a LAME/Xing tag mpg123 can only guess
  // the length from the first frame's bitrate, which misjudges VBR files.
  // The sink enforces the limit exactly as frames arrive instead.
  std::vector<float> block(4096u * static_cast<std::size_t>(channels));
  while (true) {
    std::size_t done = 0;
    const int rc = mpg123_read(mh.get(), block.data(), block.size() * sizeof(float), &done);
    const std::size_t frames = done / sizeof(float) / static_cast<std::size_t>(channels);
    if (frames > 0) VOX_RETURN_IF_ERROR(sink.AddInterleaved(block.data(), frames));
    if (rc == MPG123_OK) continue;
    if (rc == MPG123_DONE) break;
    if (rc == MPG123_NEW_FORMAT) {
      long new_rate = 0;
      int new_channels = 0;
      mpg123_getformat(mh.get(), &new_rate, &new_channels, &encoding);
      if (new_rate == rate && new_channels == channels) continue;
      return InvalidArgument("mp3 audio changes sample rate or channels mid-stream", kAudioField);
    }
    return InvalidArgument("corrupt mp3 audio: " + HandleError(mh.get()), kAudioField);
  }
  return std::move(sink).Finish();
}

}  // namespace vox::audio::internal
