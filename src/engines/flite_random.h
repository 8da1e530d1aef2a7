// Flite's vocoder draws excitation noise from rand(), whose state is one
// process-wide stream: two requests for the same text would get different
// noise (and so different audio) depending on what other threads synthesized.
// Our copy of libflite.a is built with rand renamed to vox_flite_rand (see
// CMakeLists.txt), served here from a per-thread generator that
// FliteEngine reseeds before every utterance. Output is then a pure function
// of (text, voice, params), and threads never contend on glibc's rand lock.
#pragma once

namespace vox::engines::internal {

// Restarts the calling thread's flite noise stream. FliteEngine's call to this is
// also what links flite_random.o (and so vox_flite_rand) out of libvox_engines.a.
void SeedFliteRandom(unsigned long seed);

// The next value of the calling thread's stream, uniform in [0, RAND_MAX].
int NextFliteRandom();

}  // namespace vox::engines::internal
