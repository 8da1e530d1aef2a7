#!/usr/bin/env bash
# Regenerates src/voice/background_stats.cc (StatsSpeakerEncoder's standardization).
# Usage: src/voice/tools/make_background_stats.sh [build-dir]   (needs espeak-ng and sox)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target voice_fit_background -j2
out="$root/src/voice/background_stats.cc"
"$build/src/voice/voice_fit_background" "$build/voice_test_corpus" > "$out.tmp"
mv "$out.tmp" "$out"
command -v clang-format >/dev/null && clang-format --style="file:$root/.clang-format" -i "$out"
echo "wrote $out; rebuild and rerun the voice tests (and bump StatsSpeakerEncoder::version)"
