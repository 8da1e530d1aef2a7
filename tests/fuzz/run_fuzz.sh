#!/usr/bin/env bash
# Bounded fuzzing inside the test suite (CTest label "fuzz").
#
# Configures a separate clang build (libFuzzer needs clang; see the VOX_FUZZ blocks in
# src/audio, src/text, src/http, src/wyoming, src/ssml, src/api and src/piper), builds only
# the fuzz targets (VOX_FUZZ_JOBS parallel jobs, default nproc), and runs each for a fixed
# time on a seed corpus. Any crash, sanitizer report (ASan, UBSan, LeakSanitizer), timeout
# or out-of-memory fails the test, and the input that caused it is kept under
# <build>/artifacts/.
#
#   run_fuzz.sh SOURCE_DIR FUZZ_BUILD_DIR [SECONDS_PER_TARGET]
set -euo pipefail
src=$(cd "$1" && pwd)
build=$2
seconds=${3:-25}
cc=${VOX_FUZZ_CC:-clang-16}
cxx=${VOX_FUZZ_CXX:-clang++-16}

for tool in "$cc" "$cxx"; do
  command -v "$tool" >/dev/null || {
    echo "run_fuzz: $tool not found; run scripts/install-deps.sh" >&2
    exit 1
  }
done

# Configured every time (seconds once done): a build directory made before a
# target was added would otherwise not know its rule ("No rule to make target").
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVOX_FUZZ=ON -DVOX_UNITY_BUILD=ON \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >"$build.configure.log" 2>&1 || {
  cat "$build.configure.log" >&2
  exit 1
}
targets=(audio_fuzz_decode text_fuzz_normalize http_fuzz_multipart wyoming_fuzz_event ssml_fuzz_parse
  api_fuzz_stream_input api_fuzz_ws_frames http_fuzz_request api_fuzz_bodies api_fuzz_jwt
  piper_fuzz_voice_config)
cmake --build "$build" --target "${targets[@]}" -j "${VOX_FUZZ_JOBS:-$(nproc)}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts"

# Text seeds: the inputs of the golden normalization and splitting cases, one per file.
mkdir -p "$work/text_seeds"
n=0
for tsv in "$src"/src/text/testdata/*.tsv; do
  while IFS=$'\t' read -r input _; do
    case "$input" in '' | '#'*) continue ;; esac
    printf '%s' "$input" >"$work/text_seeds/$n"
    n=$((n + 1))
  done <"$tsv"
done

# Audio and multipart seeds are committed (tests/fuzz/make_seeds.sh).
status=0
run() {
  local name=$1 binary=$2 max_len=$3 seeds=$4
  shift 4  # the rest: extra libFuzzer flags
  mkdir -p "$work/$name"
  echo "== $name: ${seconds}s"
  # New inputs go to the scratch directory (the first one); the seeds stay untouched.
  if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
      -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
      "$@" "$work/$name" "$seeds" >"$work/$name.log" 2>&1; then
    grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))' \
      "$work/$name.log" || true
  else
    echo "== $name FAILED; last lines of its log:"
    tail -n 60 "$work/$name.log"
    ls -l "$build/artifacts" | grep "$name-" || true
    status=1
  fi
}
run audio_decode "$build/src/audio/audio_fuzz_decode" 8192 "$src/tests/fuzz/corpus/audio"
run text_normalize "$build/src/text/text_fuzz_normalize" 2048 "$work/text_seeds"
run http_multipart "$build/src/http/http_fuzz_multipart" 4096 "$src/tests/fuzz/corpus/multipart" \
  -dict="$src/tests/fuzz/multipart.dict"
run wyoming_event "$build/src/wyoming/wyoming_fuzz_event" 8192 "$src/tests/fuzz/corpus/wyoming"
run ssml_parse "$build/src/ssml/ssml_fuzz_parse" 4096 "$src/tests/fuzz/corpus/ssml" \
  -dict="$src/tests/fuzz/ssml.dict"
run stream_input "$build/src/api/api_fuzz_stream_input" 4096 "$src/tests/fuzz/corpus/stream_input"
run ws_frames "$build/src/api/api_fuzz_ws_frames" 4096 "$src/tests/fuzz/corpus/ws_frames"
run http_request "$build/src/http/http_fuzz_request" 4096 "$src/tests/fuzz/corpus/http_request" \
  -dict="$src/tests/fuzz/http_request.dict"
run bodies "$build/src/api/api_fuzz_bodies" 4096 "$src/tests/fuzz/corpus/bodies" \
  -dict="$src/tests/fuzz/bodies.dict"
run jwt "$build/src/api/api_fuzz_jwt" 4096 "$src/tests/fuzz/corpus/jwt"
run piper_config "$build/src/piper/piper_fuzz_voice_config" 4096 "$src/tests/fuzz/corpus/piper_config"
exit $status
