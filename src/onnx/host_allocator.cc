#include "onnx/host_allocator.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

namespace vox::onnx {

void KeepLargeAllocationsOnTheHeap() {
  constexpr int kMmapThreshold = 32 << 20;  // DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
  constexpr int kTrimThreshold = 256 << 20;
  if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) != 1 ||
      mallopt(M_TRIM_THRESHOLD, kTrimThreshold) != 1) {
    spdlog::warn("could not tune malloc for neural runs: they will be slower");
  }
}

void ReleaseFreeHeapMemory() { malloc_trim(0); }

}  // namespace vox::onnx
