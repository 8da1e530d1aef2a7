#include "audio/audio_file_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "audio/dsp.h"
#include "audio/loudness.h"
#include "audio/resampler.h"
#include "audio/sndfile_encoder.h"
#include "audio/temp_file.h"

namespace vox::audio {

AudioFileWriter::AudioFileWriter() = default;

AudioFileWriter::~AudioFileWriter() {
  // Close the encoder into the temporary file before the file is deleted.
  encoder_.reset();
}

Result<std::unique_ptr<AudioFileWriter>> AudioFileWriter::Open(const std::string& path,
                                                               const EncodeOptions& options,
                                                               int input_sample_rate,
                                                               int channels) {
  if (path.empty()) return InvalidArgument("output path is empty", "output");
  VOX_ASSIGN_OR_RETURN(const int output_rate, OutputSampleRate(options, input_sample_rate));
  VOX_ASSIGN_OR_RETURN(Resampler resampler,
                       Resampler::Create(input_sample_rate, output_rate, channels));

  std::unique_ptr<AudioFileWriter> writer(new AudioFileWriter());
  writer->path_ = path;
  writer->options_ = options;
  writer->input_rate_ = input_sample_rate;
  writer->channels_ = channels;
  writer->output_rate_ = output_rate;
  writer->resampler_ = std::make_unique<Resampler>(std::move(resampler));

  const bool to_stdout = path == "-";
  const std::filesystem::path target(path);
  const std::string dir =
      to_stdout ? std::string()
                : (target.has_parent_path() ? target.parent_path().string() : std::string("."));
  const std::string stem = to_stdout ? std::string("vox-stdout") : target.filename().string();

  if (options.target_lufs) {
    VOX_ASSIGN_OR_RETURN(LoudnessMeter meter, LoudnessMeter::Create(output_rate, channels));
    writer->meter_ = std::make_unique<LoudnessMeter>(std::move(meter));
    std::string spool_dir = dir;
    if (to_stdout) {
      std::error_code ec;
      spool_dir = std::filesystem::temp_directory_path(ec).string();
      if (ec || spool_dir.empty()) spool_dir = "/tmp";
    }
    VOX_ASSIGN_OR_RETURN(internal::TempFile spool,
                         internal::TempFile::Create(spool_dir, stem + ".spool", true));
    writer->spool_ = std::make_unique<internal::TempFile>(std::move(spool));
  }

  int out_fd = STDOUT_FILENO;
  if (!to_stdout) {
    VOX_ASSIGN_OR_RETURN(internal::TempFile file, internal::TempFile::Create(dir, stem));
    writer->output_file_ = std::make_unique<internal::TempFile>(std::move(file));
    out_fd = writer->output_file_->fd();
  }
  VOX_ASSIGN_OR_RETURN(writer->encoder_,
                       internal::SndEncoder::ToFd(out_fd, options, output_rate, channels));
  return writer;
}

Status AudioFileWriter::Fail(Error error) {
  state_ = State::kFailed;
  failure_ = error;
  encoder_.reset();
  output_file_.reset();
  spool_.reset();
  return std::unexpected(std::move(error));
}

Status AudioFileWriter::Consume(const std::vector<float>& samples) {
  if (samples.empty()) return {};
  if (meter_) {
    VOX_RETURN_IF_ERROR(meter_->Add(samples));
    return internal::WriteAll(spool_->fd(), samples.data(), samples.size() * sizeof(float));
  }
  VOX_RETURN_IF_ERROR(encoder_->Write(samples));
  output_frames_ += samples.size() / channels_;
  return {};
}

Status AudioFileWriter::Write(const PcmBuffer& chunk) {
  if (state_ != State::kOpen) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     state_ == State::kFinished ? "writer already finished"
                                                : "writer failed earlier: " + failure_.message);
  }
  if (chunk.empty()) return {};
  if (chunk.sample_rate != input_rate_ || chunk.channels != channels_) {
    return Fail(Error{ErrorCode::kInvalidArgument,
                      "chunk is " + std::to_string(chunk.sample_rate) + " Hz with " +
                          std::to_string(chunk.channels) + " channels; the writer was opened for " +
                          std::to_string(input_rate_) + " Hz with " + std::to_string(channels_),
                      "audio"});
  }
  scratch_.clear();
  if (auto s = resampler_->Process(chunk.samples, scratch_); !s) return Fail(s.error());
  if (auto s = Consume(scratch_); !s) return Fail(s.error());
  return {};
}

Status AudioFileWriter::EncodeSpool() {
  applied_gain_db_ = LoudnessGainDb(meter_->IntegratedLufs(), meter_->TruePeakDbfs(),
                                    *options_.target_lufs, options_.peak_limit_dbfs);
  const double gain = DbToGain(*applied_gain_db_);
  const int fd = spool_->fd();
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    return Internal(std::string("cannot rewind the loudness spool: ") + std::strerror(errno));
  }
  // Whole frames per block so every Write() gets complete frames.
  std::vector<float> block(static_cast<std::size_t>(8192) * channels_);
  std::size_t have = 0;  // bytes of `block` filled
  const std::size_t block_bytes = block.size() * sizeof(float);
  auto* bytes = reinterpret_cast<char*>(block.data());
  while (true) {
    const ssize_t n = ::read(fd, bytes + have, block_bytes - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Internal(std::string("cannot read the loudness spool: ") + std::strerror(errno));
    }
    have += static_cast<std::size_t>(n);
    if (n > 0 && have < block_bytes) continue;
    const std::size_t frame_bytes = sizeof(float) * channels_;
    if (have % frame_bytes != 0) return Internal("loudness spool ends in a partial frame");
    const std::size_t count = have / sizeof(float);
    if (count > 0) {
      if (*applied_gain_db_ != 0.0) ApplyGain(block.data(), count, gain);
      VOX_RETURN_IF_ERROR(encoder_->Write(std::span<const float>(block.data(), count)));
      output_frames_ += count / channels_;
    }
    have = 0;
    if (n == 0) break;
  }
  spool_.reset();
  return {};
}

Status AudioFileWriter::Finish() {
  if (state_ != State::kOpen) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     state_ == State::kFinished ? "writer already finished"
                                                : "writer failed earlier: " + failure_.message);
  }
  scratch_.clear();
  if (auto s = resampler_->Flush(scratch_); !s) return Fail(s.error());
  if (auto s = Consume(scratch_); !s) return Fail(s.error());
  if (meter_) {
    if (auto s = EncodeSpool(); !s) return Fail(s.error());
  }
  if (auto s = encoder_->Close(); !s) return Fail(s.error());
  encoder_.reset();
  if (output_file_) {
    if (auto s = output_file_->CommitTo(path_); !s) return Fail(s.error());
    output_file_.reset();
  }
  state_ = State::kFinished;
  return {};
}

}  // namespace vox::audio
