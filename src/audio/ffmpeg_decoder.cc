#include "audio/ffmpeg_decoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "audio/decode_sink.h"
#include "audio/ffmpeg_error.h"

namespace vox::audio::internal {
namespace {

// The only decoders a file may reach. All three are ffmpeg's native ones and
// output float (planar), which DecodeSink takes without conversion.
constexpr const char* kCodecWhitelist = "opus,vorbis,aac";
constexpr int kAvioBufferSize = 32 * 1024;
// Real recordings have one or two tracks; a file declaring thousands only
// makes the demuxer allocate per-stream state.
constexpr unsigned kMaxStreams = 16;

// No legitimate upload (50 MB at most, ten minutes) needs one allocation
// this big; the MP4 demuxer sizes tables from counts a file declares, and a
// 1.4 KB file found by fuzzing asked for 1.2 GB. Process-wide: ffmpeg is used
// for nothing else here.
constexpr std::size_t kMaxFfmpegAllocation = 64u << 20;

void ConfigureFfmpegOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_QUIET);
    av_max_alloc(kMaxFfmpegAllocation);
  });
}

// Read-only cursor over the caller's bytes, served to ffmpeg through AVIO.
struct MemoryInput {
  std::string_view bytes;
  std::size_t pos = 0;
};

int ReadPacket(void* opaque, std::uint8_t* buf, int size) {
  auto* in = static_cast<MemoryInput*>(opaque);
  if (size <= 0) return 0;
  const std::size_t n = std::min(static_cast<std::size_t>(size), in->bytes.size() - in->pos);
  if (n == 0) return AVERROR_EOF;
  std::memcpy(buf, in->bytes.data() + in->pos, n);
  in->pos += n;
  return static_cast<int>(n);
}

std::int64_t Seek(void* opaque, std::int64_t offset, int whence) {
  auto* in = static_cast<MemoryInput*>(opaque);
  const auto size = static_cast<std::int64_t>(in->bytes.size());
  whence &= ~AVSEEK_FORCE;
  if (whence == AVSEEK_SIZE) return size;
  const std::int64_t base = whence == SEEK_CUR   ? static_cast<std::int64_t>(in->pos)
                            : whence == SEEK_END ? size
                            : whence == SEEK_SET ? 0
                                                 : -1;
  // Bounding offset first keeps base + offset from overflowing.
  if (base < 0 || offset > size || offset < -size) return AVERROR(EINVAL);
  const std::int64_t target = base + offset;
  if (target < 0 || target > size) return AVERROR(EINVAL);
  in->pos = static_cast<std::size_t>(target);
  return target;
}

// Demuxers may try to open other resources named inside the file (MP4 data
// references, for one). An upload gets nothing but its own bytes.
int RefuseOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

struct AvioDeleter {
  void operator()(AVIOContext* avio) const {
    av_freep(&avio->buffer);  // AVIO may have replaced the buffer it was given
    avio_context_free(&avio);
  }
};
struct FormatDeleter {
  void operator()(AVFormatContext* fmt) const { avformat_close_input(&fmt); }
};
struct CodecDeleter {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct PacketDeleter {
  void operator()(AVPacket* pkt) const { av_packet_free(&pkt); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};

using AvioPtr = std::unique_ptr<AVIOContext, AvioDeleter>;
using FormatPtr = std::unique_ptr<AVFormatContext, FormatDeleter>;

std::unexpected<Error> FfmpegError(int code, const std::string& what, const char* name) {
  if (code == AVERROR(ENOMEM)) {
    return MakeError(ErrorCode::kResourceExhausted,
                     std::string(name) + " audio needs more memory than allowed while " + what,
                     kAudioField);
  }
  return InvalidArgument("corrupt or truncated " + std::string(name) + " audio: " + what +
                             " failed (" + AvError(code) + ")",
                         kAudioField);
}

const char* ContainerName(FfmpegContainer container) {
  return container == FfmpegContainer::kMatroska ? "webm" : "mp4";
}

// One EBML variable-length integer at `pos`: an element id keeps its length
// marker bit, a size drops it. Returns false past the end or on a bad marker.
bool ReadVint(std::string_view bytes, std::size_t& pos, bool keep_marker, std::uint64_t& value,
              bool& all_ones) {
  if (pos >= bytes.size()) return false;
  const auto first = static_cast<unsigned char>(bytes[pos]);
  int length = 1;
  while (length <= 8 && (first & (0x80u >> (length - 1))) == 0) ++length;
  if (length > 8 || pos + length > bytes.size()) return false;
  const std::uint64_t marker = 0x80u >> (length - 1);
  value = keep_marker ? first : (first & (marker - 1));
  all_ones = (first & (marker - 1)) == marker - 1;
  for (int i = 1; i < length; ++i) {
    const auto b = static_cast<unsigned char>(bytes[pos + i]);
    value = (value << 8) | b;
    all_ones = all_ones && b == 0xFF;
  }
  pos += static_cast<std::size_t>(length);
  return true;
}

// The Matroska demuxer treats running out of bytes as the normal end of the
// file, so a cut-off WebM would decode "successfully" into a shorter take.
// When the Segment states its size (every seekable writer fills it in), a
// file shorter than that size was cut off. A live recording (MediaRecorder)
// leaves the size unknown, and then truncation cannot be told from the end.
bool MatroskaSegmentTruncated(std::string_view bytes) {
  constexpr std::uint64_t kEbmlId = 0x1A45DFA3, kSegmentId = 0x18538067;
  std::size_t pos = 0;
  std::uint64_t id = 0, size = 0;
  bool unknown = false;
  if (!ReadVint(bytes, pos, true, id, unknown) || id != kEbmlId) return false;
  if (!ReadVint(bytes, pos, false, size, unknown) || unknown) return false;
  if (size > bytes.size() - pos) return false;  // the demuxer reports a cut header itself
  pos += static_cast<std::size_t>(size);
  if (!ReadVint(bytes, pos, true, id, unknown) || id != kSegmentId) return false;
  if (!ReadVint(bytes, pos, false, size, unknown) || unknown) return false;
  return size > bytes.size() - pos;
}

// Collects decoded frames into a DecodeSink created from the first frame (the
// decoder, not the header, knows the real rate: HE-AAC doubles it).
class FrameCollector {
 public:
  FrameCollector(const DecodeOptions& options, const char* name) : options_(options), name_(name) {}

  Status Add(const AVFrame& frame) {
    const int channels = frame.ch_layout.nb_channels;
    if (!sink_) {
      VOX_ASSIGN_OR_RETURN(DecodeSink sink,
                           DecodeSink::Create(frame.sample_rate, channels, options_, name_));
      sink_.emplace(std::move(sink));
      rate_ = frame.sample_rate;
      channels_ = channels;
    } else if (frame.sample_rate != rate_ || channels != channels_) {
      return InvalidArgument(
          std::string(name_) + " audio changes sample rate or channels mid-stream", kAudioField);
    }
    if (frame.nb_samples <= 0) return {};
    const auto frames = static_cast<std::size_t>(frame.nb_samples);
    switch (frame.format) {
      case AV_SAMPLE_FMT_FLTP:
        return sink_->AddPlanar(reinterpret_cast<const float* const*>(frame.extended_data), frames);
      case AV_SAMPLE_FMT_FLT:
        return sink_->AddInterleaved(reinterpret_cast<const float*>(frame.data[0]), frames);
      default:
        return Internal(std::string("ffmpeg decoder produced unexpected sample format ") +
                        std::to_string(frame.format));
    }
  }

  Result<PcmBuffer> Finish() && {
    if (!sink_)
      return InvalidArgument(std::string(name_) + " audio contains no samples", kAudioField);
    return std::move(*sink_).Finish();
  }

 private:
  const DecodeOptions& options_;
  const char* name_;
  std::optional<DecodeSink> sink_;
  int rate_ = 0;
  int channels_ = 0;
};

Result<FormatPtr> OpenInput(MemoryInput* input, AvioPtr& avio, FfmpegContainer container) {
  const char* demuxer = container == FfmpegContainer::kMatroska ? "matroska" : "mov";
  const AVInputFormat* format = av_find_input_format(demuxer);
  if (format == nullptr) return Internal(std::string("ffmpeg lacks the ") + demuxer + " demuxer");

  auto* buffer = static_cast<unsigned char*>(av_malloc(kAvioBufferSize));
  if (buffer == nullptr) return Internal("out of memory allocating the AVIO buffer");
  avio.reset(avio_alloc_context(buffer, kAvioBufferSize, 0, input, ReadPacket, nullptr, Seek));
  if (!avio) {
    av_free(buffer);
    return Internal("out of memory allocating the AVIO context");
  }

  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return Internal("out of memory allocating the format context");
  raw->pb = avio.get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw->io_open = RefuseOpen;
  raw->max_streams = kMaxStreams;
  raw->format_whitelist = av_strdup(demuxer);
  raw->codec_whitelist = av_strdup(kCodecWhitelist);
  raw->protocol_whitelist = av_strdup("none");
  if (raw->format_whitelist == nullptr || raw->codec_whitelist == nullptr ||
      raw->protocol_whitelist == nullptr) {
    avformat_free_context(raw);
    return Internal("out of memory allocating ffmpeg whitelists");
  }
  // On failure avformat_open_input frees the context (not our AVIO).
  const int rc = avformat_open_input(&raw, nullptr, format, nullptr);
  if (rc < 0) return FfmpegError(rc, "reading the header", ContainerName(container));
  return FormatPtr(raw);
}

Result<std::unique_ptr<AVCodecContext, CodecDeleter>> OpenDecoder(const AVStream& stream,
                                                                  const DecodeOptions& options,
                                                                  const char* name) {
  const AVCodecParameters& par = *stream.codecpar;
  const char* decoder_name = par.codec_id == AV_CODEC_ID_OPUS     ? "opus"
                             : par.codec_id == AV_CODEC_ID_VORBIS ? "vorbis"
                             : par.codec_id == AV_CODEC_ID_AAC    ? "aac"
                                                                  : nullptr;
  if (decoder_name == nullptr) {
    return InvalidArgument("unsupported codec " + std::string(avcodec_get_name(par.codec_id)) +
                               " in " + name + " audio; accepted: Opus, Vorbis, AAC",
                           kAudioField);
  }
  // Checked before the decoder allocates per-channel state.
  if (par.ch_layout.nb_channels > options.max_channels) {
    return InvalidArgument(std::string(name) + " audio has " +
                               std::to_string(par.ch_layout.nb_channels) + " channels; at most " +
                               std::to_string(options.max_channels) + " are accepted",
                           kAudioField);
  }
  if (par.sample_rate < 0 || par.sample_rate > options.max_sample_rate) {
    return InvalidArgument(std::string(name) + " audio sample rate " +
                               std::to_string(par.sample_rate) + " Hz is over " +
                               std::to_string(options.max_sample_rate) + " Hz",
                           kAudioField);
  }
  const AVCodec* codec = avcodec_find_decoder_by_name(decoder_name);
  if (codec == nullptr)
    return Internal(std::string("ffmpeg lacks the ") + decoder_name + " decoder");
  std::unique_ptr<AVCodecContext, CodecDeleter> ctx(avcodec_alloc_context3(codec));
  if (!ctx) return Internal("out of memory allocating the decoder");
  int rc = avcodec_parameters_to_context(ctx.get(), &par);
  if (rc < 0) return FfmpegError(rc, "reading the codec parameters", name);
  ctx->pkt_timebase = stream.time_base;
  ctx->thread_count = 1;  // one upload, one thread; the server decodes many in parallel
  ctx->codec_whitelist = av_strdup(kCodecWhitelist);
  if (ctx->codec_whitelist == nullptr) return Internal("out of memory allocating the whitelist");
  rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc < 0) return FfmpegError(rc, "opening the " + std::string(decoder_name) + " decoder", name);
  return ctx;
}

// Receives every frame the decoder has ready.
Status Drain(AVCodecContext* ctx, AVFrame* frame, FrameCollector& collector, const char* name) {
  while (true) {
    const int rc = avcodec_receive_frame(ctx, frame);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return FfmpegError(rc, "decoding", name);
    Status added = collector.Add(*frame);
    av_frame_unref(frame);
    if (!added) return added;
  }
}

}  // namespace

Result<PcmBuffer> DecodeWithFfmpeg(std::string_view bytes, FfmpegContainer container,
                                   const DecodeOptions& options) {
  ConfigureFfmpegOnce();
  const char* name = ContainerName(container);
  if (container == FfmpegContainer::kMatroska && MatroskaSegmentTruncated(bytes)) {
    return InvalidArgument("truncated webm audio: the file ends before its stated size",
                           kAudioField);
  }
  MemoryInput input{bytes, 0};
  // Declared before the format context so that it is destroyed after it.
  AvioPtr avio;
  VOX_ASSIGN_OR_RETURN(FormatPtr fmt, OpenInput(&input, avio, container));

  const int index = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0)
    return InvalidArgument(std::string(name) + " file has no audio stream", kAudioField);
  // Other tracks (video, a second audio track) are skipped by the demuxer.
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    if (static_cast<int>(i) != index) fmt->streams[i]->discard = AVDISCARD_ALL;
  }
  VOX_ASSIGN_OR_RETURN(auto ctx, OpenDecoder(*fmt->streams[index], options, name));

  std::unique_ptr<AVPacket, PacketDeleter> packet(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameDeleter> frame(av_frame_alloc());
  if (!packet || !frame) return Internal("out of memory allocating an ffmpeg packet or frame");

  FrameCollector collector(options, name);
  int rc = 0;
  while ((rc = av_read_frame(fmt.get(), packet.get())) >= 0) {
    if (packet->stream_index == index) {
      const int sent = avcodec_send_packet(ctx.get(), packet.get());
      av_packet_unref(packet.get());
      if (sent < 0) return FfmpegError(sent, "decoding", name);
      VOX_RETURN_IF_ERROR(Drain(ctx.get(), frame.get(), collector, name));
    } else {
      av_packet_unref(packet.get());
    }
  }
  // The mov demuxer reports a sample table pointing past the end of the file
  // as invalid data: that is how a truncated MP4 shows.
  if (rc != AVERROR_EOF) return FfmpegError(rc, "reading packets", name);
  rc = avcodec_send_packet(ctx.get(), nullptr);  // flush the decoder's delay
  if (rc < 0 && rc != AVERROR_EOF) return FfmpegError(rc, "decoding", name);
  VOX_RETURN_IF_ERROR(Drain(ctx.get(), frame.get(), collector, name));
  return std::move(collector).Finish();
}

}  // namespace vox::audio::internal
