// How the process's C allocator treats the runtime's large intermediates (process-wide).
//
// glibc's malloc serves a large allocation (above a threshold that starts at 128 KiB and
// adapts up to 32 MiB) with its own mmap and unmaps it at free. A vocoder's intermediates
// are 5 to 20 MiB each, made and freed hundreds of times per run, so every run faulted
// fresh pages in for each of them: the medium Piper voice ran 528 ms instead of 241 ms
// (bench/neural, 100 phonemes, 1 thread). Kept on the heap, freed blocks are reused.
#pragma once

namespace vox::onnx {

// Serves allocations up to 32 MiB (glibc's largest threshold) from the heap and trims the
// heap's free top only past 256 MiB. Call once at start, before the first run, in a
// process that runs neural voices (the servers and `vox synth` do, through their engine
// set-up). Costs peak RSS: +36 to +100 MB for one synthesis of a Piper-sized voice.
void KeepLargeAllocationsOnTheHeap();

// Gives the heap's free memory back to the system (malloc_trim): after a model load,
// whose parse buffers are as large as the model and would otherwise stay resident.
void ReleaseFreeHeapMemory();

}  // namespace vox::onnx
