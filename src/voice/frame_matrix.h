// A dense row-major matrix of per-frame feature vectors (rows = frames).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace vox::voice {

class FrameMatrix {
 public:
  FrameMatrix() = default;
  FrameMatrix(int rows, int cols)
      : rows_(rows), cols_(cols), data_(static_cast<std::size_t>(rows) * cols, 0.0f) {}

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  bool empty() const { return rows_ == 0; }

  std::span<float> row(int r) {
    return {data_.data() + Offset(r), static_cast<std::size_t>(cols_)};
  }
  std::span<const float> row(int r) const {
    return {data_.data() + Offset(r), static_cast<std::size_t>(cols_)};
  }
  float& at(int r, int c) { return data_[Offset(r) + c]; }
  float at(int r, int c) const { return data_[Offset(r) + c]; }

 private:
  std::size_t Offset(int r) const { return static_cast<std::size_t>(r) * cols_; }

  int rows_ = 0;
  int cols_ = 0;
  std::vector<float> data_;
};

}  // namespace vox::voice
