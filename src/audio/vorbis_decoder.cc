#include "audio/vorbis_decoder.h"

#include <vorbis/vorbisfile.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "audio/decode_sink.h"

namespace vox::audio::internal {
namespace {

struct VorbisMemoryReader {
  std::string_view bytes;
  std::size_t pos = 0;
};

size_t Read(void* ptr, size_t size, size_t nmemb, void* source) {
  auto* r = static_cast<VorbisMemoryReader*>(source);
  if (size == 0) return 0;
  const std::size_t items = std::min(nmemb, (r->bytes.size() - r->pos) / size);
  std::memcpy(ptr, r->bytes.data() + r->pos, items * size);
  r->pos += items * size;
  return items;
}

long Tell(void* source) { return static_cast<long>(static_cast<VorbisMemoryReader*>(source)->pos); }

std::string VorbisError(int code) {
  switch (code) {
    case OV_EREAD:
      return "read error";
    case OV_ENOTVORBIS:
      return "not Vorbis data";
    case OV_EVERSION:
      return "unsupported Vorbis version";
    case OV_EBADHEADER:
      return "invalid Vorbis header";
    case OV_EFAULT:
      return "internal decoder error";
    case OV_EBADLINK:
      return "corrupt link in a chained stream";
    case OV_EINVAL:
      return "invalid stream";
    default:
      return "error " + std::to_string(code);
  }
}

// Frees the decoder on every path once ov_open_callbacks() has succeeded.
struct FileGuard {
  OggVorbis_File* vf;
  ~FileGuard() { ov_clear(vf); }
};

}  // namespace

OggCodec ClassifyOgg(std::string_view bytes) {
  ogg_sync_state sync;
  ogg_sync_init(&sync);
  OggCodec codec = OggCodec::kNone;
  ogg_page page;
  std::size_t pos = 0;
  while (codec == OggCodec::kNone) {
    const int rc = ogg_sync_pageout(&sync, &page);
    if (rc == 1) {
      const std::string_view body(reinterpret_cast<const char*>(page.body),
                                  static_cast<std::size_t>(page.body_len));
      codec = body.starts_with(std::string_view("\x01vorbis", 7)) ? OggCodec::kVorbis
              : body.starts_with("OpusHead")                      ? OggCodec::kOpus
                                                                  : OggCodec::kOther;
      break;
    }
    if (rc < 0) continue;  // skipped bytes that were not a valid page
    if (pos >= bytes.size()) break;
    const std::size_t n = std::min<std::size_t>(4096, bytes.size() - pos);
    char* buffer = ogg_sync_buffer(&sync, static_cast<long>(n));
    if (buffer == nullptr) break;
    std::memcpy(buffer, bytes.data() + pos, n);
    ogg_sync_wrote(&sync, static_cast<long>(n));
    pos += n;
  }
  ogg_sync_clear(&sync);
  return codec;
}

Result<PcmBuffer> DecodeVorbis(std::string_view bytes, const DecodeOptions& options) {
  VorbisMemoryReader reader{bytes, 0};
  // No seek callback: in seekable mode libvorbisfile 1.3.7 bisects the file for
  // chained links and leaks its serial-number list on some malformed inputs
  // (found by fuzz_decode). We read start to end anyway, and the sink enforces
  // the length limit, so nothing needs the seekable-only total length.
  const ov_callbacks callbacks = {Read, nullptr, nullptr, Tell};
  OggVorbis_File vf;
  const int rc = ov_open_callbacks(&reader, &vf, nullptr, 0, callbacks);
  if (rc < 0) {  // libvorbisfile has already released everything
    return InvalidArgument("cannot decode ogg vorbis audio: " + VorbisError(rc), kAudioField);
  }
  FileGuard guard{&vf};
  const vorbis_info* info = ov_info(&vf, -1);
  if (info == nullptr) return InvalidArgument("ogg vorbis audio has no stream header", kAudioField);
  VOX_ASSIGN_OR_RETURN(DecodeSink sink,
                       DecodeSink::Create(info->rate, info->channels, options, "ogg vorbis"));

  const long rate = info->rate;
  const int channels = info->channels;
  while (true) {
    float** pcm = nullptr;
    int link = 0;
    const long n = ov_read_float(&vf, &pcm, 4096, &link);
    if (n == 0) break;
    if (n == OV_HOLE) continue;  // a gap in the data: skip it, as players do
    if (n < 0) {
      return InvalidArgument("corrupt ogg vorbis audio: " + VorbisError(static_cast<int>(n)),
                             kAudioField);
    }
    // A chained stream may switch format at a link boundary; `pcm` then has
    // the new link's channel count, so check before touching it.
    const vorbis_info* now = ov_info(&vf, -1);
    if (now == nullptr || now->rate != rate || now->channels != channels) {
      return InvalidArgument("ogg vorbis audio changes sample rate or channels mid-stream",
                             kAudioField);
    }
    VOX_RETURN_IF_ERROR(sink.AddPlanar(pcm, static_cast<std::size_t>(n)));
  }
  return std::move(sink).Finish();
}

}  // namespace vox::audio::internal
