// MP3, Ogg/Opus, FLAC and AAC (ADTS) streams through libavcodec + libavformat.
//
// The muxer writes into a non-seekable custom AVIOContext, so it never goes back to patch a
// header (no Xing frame, FLAC's STREAMINFO stays "unknown length"), and is flushed after
// every block: an Ogg page per block, frames as the codec emits them. Codecs take fixed-size
// frames; samples wait in `pending_` until a frame is full, and the rest goes as a short (or
// zero-padded) last frame.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <cstring>

#include "audio/dsp.h"
#include "audio/ffmpeg_error.h"
#include "audio/stream_encoder.h"

namespace vox::audio::internal {
namespace {

struct Choice {
  const char* codec;
  const char* muxer;
  int default_kbps;  // 0: no bitrate (lossless)
};

Choice ChoiceFor(StreamFormat format, int rate) {
  switch (format) {
    case StreamFormat::kMp3:
      return {"libmp3lame", "mp3", rate >= 32000 ? 128 : rate >= 16000 ? 64 : 32};
    case StreamFormat::kOpus:
      return {"libopus", "ogg", 32};
    case StreamFormat::kAac:
      return {"aac", "adts", 64};
    default:
      return {"flac", "flac", 0};
  }
}

class FfmpegStreamEncoder : public StreamEncoder {
 public:
  explicit FfmpegStreamEncoder(int rate) : StreamEncoder(rate) {}
  ~FfmpegStreamEncoder() override {
    av_packet_free(&packet_);
    av_frame_free(&frame_);
    avcodec_free_context(&codec_);
    if (muxer_) {
      if (muxer_->pb) {
        av_freep(&muxer_->pb->buffer);
        avio_context_free(&muxer_->pb);
      }
      avformat_free_context(muxer_);
    }
  }

  Status Open(StreamFormat format, int bitrate_kbps) {
    // As ffmpeg_decoder.cc: library code must not print (the FLAC muxer would say it cannot
    // rewrite its header, which on a stream is the point).
    av_log_set_level(AV_LOG_QUIET);
    const Choice choice = ChoiceFor(format, output_sample_rate());
    const AVCodec* codec = avcodec_find_encoder_by_name(choice.codec);
    if (!codec) return Internal(std::string("ffmpeg has no ") + choice.codec + " encoder");
    if (avformat_alloc_output_context2(&muxer_, nullptr, choice.muxer, nullptr) < 0 || !muxer_) {
      return Internal(std::string("ffmpeg has no ") + choice.muxer + " muxer");
    }
    codec_ = avcodec_alloc_context3(codec);
    frame_ = av_frame_alloc();
    packet_ = av_packet_alloc();
    if (!codec_ || !frame_ || !packet_) return Internal("out of memory opening the encoder");
    codec_->sample_rate = output_sample_rate();
    codec_->time_base = AVRational{1, output_sample_rate()};
    av_channel_layout_default(&codec_->ch_layout, 1);
    codec_->sample_fmt = PickSampleFormat(codec);
    const int kbps = bitrate_kbps > 0 ? bitrate_kbps : choice.default_kbps;
    if (kbps > 0) codec_->bit_rate = int64_t{kbps} * 1000;
    if (muxer_->oformat->flags & AVFMT_GLOBALHEADER) codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (int err = avcodec_open2(codec_, codec, nullptr); err < 0) {
      return InvalidArgument(std::string("cannot encode ") + StreamFormatName(format) + " at " +
                                 std::to_string(output_sample_rate()) + " Hz: " + AvError(err),
                             "sample_rate");
    }
    frame_size_ = codec_->frame_size > 0 ? codec_->frame_size : 1024;
    pad_last_ = !(codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) &&
                !(codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE);

    AVStream* stream = avformat_new_stream(muxer_, nullptr);
    if (!stream) return Internal("cannot add the audio stream");
    if (avcodec_parameters_from_context(stream->codecpar, codec_) < 0) {
      return Internal("cannot describe the audio stream");
    }
    stream->time_base = codec_->time_base;
    constexpr int kIoBuffer = 4096;
    auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBuffer));
    if (!buffer) return Internal("out of memory opening the muxer");
    muxer_->pb = avio_alloc_context(buffer, kIoBuffer, 1, this, nullptr, &WritePacket, nullptr);
    if (!muxer_->pb) {
      av_free(buffer);
      return Internal("out of memory opening the muxer");
    }
    muxer_->pb->seekable = 0;
    muxer_->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_FLUSH_PACKETS;
    AVDictionary* options = nullptr;
    if (format == StreamFormat::kMp3) {
      av_dict_set(&options, "id3v2_version", "0", 0);  // bare frames: any prefix is playable
      av_dict_set(&options, "write_xing", "0", 0);
    }
    const int err = avformat_write_header(muxer_, &options);
    av_dict_free(&options);
    if (err < 0)
      return Internal("cannot start the " + std::string(choice.muxer) + " stream: " + AvError(err));
    return {};
  }

 protected:
  Status Encode(std::span<const float> samples, std::string& out) override {
    pending_.insert(pending_.end(), samples.begin(), samples.end());
    size_t used = 0;
    while (pending_.size() - used >= static_cast<size_t>(frame_size_)) {
      VOX_RETURN_IF_ERROR(SendFrame(std::span(pending_).subspan(used, frame_size_)));
      used += static_cast<size_t>(frame_size_);
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
    return Drain(out);
  }

  Status Flush(std::string& out) override {
    if (!pending_.empty()) {
      if (pad_last_) pending_.resize(static_cast<size_t>(frame_size_), 0.0f);
      VOX_RETURN_IF_ERROR(SendFrame(pending_));
      pending_.clear();
    }
    if (int err = avcodec_send_frame(codec_, nullptr); err < 0 && err != AVERROR_EOF) {
      return Internal("flushing the encoder failed: " + AvError(err));
    }
    VOX_RETURN_IF_ERROR(ReceivePackets());
    if (int err = av_write_trailer(muxer_); err < 0) {
      return Internal("finishing the stream failed: " + AvError(err));
    }
    avio_flush(muxer_->pb);
    return Take(out);
  }

 private:
  static AVSampleFormat PickSampleFormat(const AVCodec* codec) {
    AVSampleFormat best = AV_SAMPLE_FMT_NONE;
    for (const AVSampleFormat* f = codec->sample_fmts; f && *f != AV_SAMPLE_FMT_NONE; ++f) {
      if (*f == AV_SAMPLE_FMT_FLT || *f == AV_SAMPLE_FMT_FLTP) return *f;
      if (*f == AV_SAMPLE_FMT_S16 || *f == AV_SAMPLE_FMT_S16P) best = *f;
    }
    return best;
  }

  static int WritePacket(void* opaque, uint8_t* buf, int size) {
    static_cast<FfmpegStreamEncoder*>(opaque)->bytes_.append(reinterpret_cast<const char*>(buf),
                                                             static_cast<size_t>(size));
    return size;
  }

  // Mono: planar and packed layouts are the same single plane.
  Status SendFrame(std::span<const float> samples) {
    av_frame_unref(frame_);
    frame_->format = codec_->sample_fmt;
    frame_->sample_rate = codec_->sample_rate;
    frame_->nb_samples = static_cast<int>(samples.size());
    if (av_channel_layout_copy(&frame_->ch_layout, &codec_->ch_layout) < 0 ||
        av_frame_get_buffer(frame_, 0) < 0) {
      return Internal("out of memory encoding audio");
    }
    if (codec_->sample_fmt == AV_SAMPLE_FMT_FLT || codec_->sample_fmt == AV_SAMPLE_FMT_FLTP) {
      auto* dst = reinterpret_cast<float*>(frame_->data[0]);
      for (size_t i = 0; i < samples.size(); ++i) dst[i] = std::clamp(samples[i], -1.0f, 1.0f);
    } else {
      auto* dst = reinterpret_cast<int16_t*>(frame_->data[0]);
      for (size_t i = 0; i < samples.size(); ++i) dst[i] = FloatToPcm16(samples[i]);
    }
    frame_->pts = next_pts_;
    next_pts_ += frame_->nb_samples;
    if (int err = avcodec_send_frame(codec_, frame_); err < 0) {
      return Internal("encoding failed: " + AvError(err));
    }
    return ReceivePackets();
  }

  Status ReceivePackets() {
    AVStream* stream = muxer_->streams[0];
    while (true) {
      int err = avcodec_receive_packet(codec_, packet_);
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
      if (err < 0) return Internal("encoding failed: " + AvError(err));
      av_packet_rescale_ts(packet_, codec_->time_base, stream->time_base);
      packet_->stream_index = 0;
      err = av_write_frame(muxer_, packet_);
      av_packet_unref(packet_);
      if (err < 0) return Internal("writing the stream failed: " + AvError(err));
    }
  }

  // Pushes what the muxer holds (an Ogg page in progress) out to `out`.
  Status Drain(std::string& out) {
    av_write_frame(muxer_, nullptr);
    avio_flush(muxer_->pb);
    return Take(out);
  }

  Status Take(std::string& out) {
    out += bytes_;
    bytes_.clear();
    return {};
  }

  AVFormatContext* muxer_ = nullptr;
  AVCodecContext* codec_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* packet_ = nullptr;
  int frame_size_ = 1024;
  bool pad_last_ = false;
  int64_t next_pts_ = 0;
  std::vector<float> pending_;
  std::string bytes_;  // what the muxer wrote since the last Take
};

}  // namespace

Result<std::unique_ptr<StreamEncoder>> OpenFfmpegStreamEncoder(StreamFormat format, int rate,
                                                               int bitrate_kbps) {
  auto encoder = std::make_unique<FfmpegStreamEncoder>(rate);
  VOX_RETURN_IF_ERROR(encoder->Open(format, bitrate_kbps));
  return std::unique_ptr<StreamEncoder>(std::move(encoder));
}

}  // namespace vox::audio::internal
