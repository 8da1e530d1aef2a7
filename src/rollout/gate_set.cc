#include "rollout/gate_set.h"

namespace vox::rollout {

std::span<const GateSentence> GateSentences() {
  // Short on purpose: the gate synthesizes each twice (stable and canary)
  // and transcribes both, so its cost grows with every sentence.
  static constexpr GateSentence kSentences[] = {
      {"Dr. Smith lives at 221 Main St.",
       "doctor smith lives at two hundred twenty one main street"},
      {"Prices rose 12.5% in 1999.",
       "prices rose twelve point five percent in nineteen ninety nine"},
      {"She ran 5 km in 25 minutes.", "she ran five kilometers in twenty five minutes"},
      {"NASA launched 3 rockets on March 3rd.", "nasa launched three rockets on march third"},
      {"Mr. Jones owes me $5 and 2 cents.", "mister jones owes me five dollars and two cents"},
  };
  return kSentences;
}

}  // namespace vox::rollout
