#include "engines/flite_random.h"

#include <cstdint>
#include <cstdlib>

namespace vox::engines::internal {
namespace {
thread_local std::uint64_t t_state = 1;
}  // namespace

void SeedFliteRandom(unsigned long seed) { t_state = seed; }

// Flite compares rand() against RAND_MAX (2^31 - 1 in glibc), so the replacement
// must cover [0, RAND_MAX] uniformly: a 64-bit LCG (Knuth's MMIX constants)
// whose top 31 bits are returned.
static_assert(RAND_MAX == 2147483647, "flite was built against glibc's RAND_MAX");

int NextFliteRandom() {
  t_state = t_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<int>(t_state >> 33);
}

}  // namespace vox::engines::internal

extern "C" int vox_flite_rand(void) { return vox::engines::internal::NextFliteRandom(); }
