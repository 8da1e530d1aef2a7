#!/usr/bin/env bash
# Neural voices: Vox's ONNX runtime against eager PyTorch on Piper-sized random models
# (x_low, medium, high), same ids, same threads, in the same run; then the medium model's
# throughput at 1 and at JOBS concurrent jobs, with and without dynamic batching. Prints
# one JSON object.
# Usage: bench/neural/run.sh [BUILD_DIR] [THREADS]   (VOX_BENCH_REPEATS, VOX_BENCH_PHONEMES;
#   VOX_BENCH_PARTS=rtf,throughput; VOX_BENCH_JOBS=8, VOX_BENCH_PHRASES=4 per job,
#   VOX_BENCH_BATCH_WAIT_MS=10)
set -euo pipefail
build_dir=${1:-build}
threads=${2:-${VOX_NEURAL_THREADS:-1}}
repeats=${VOX_BENCH_REPEATS:-3}
phonemes=${VOX_BENCH_PHONEMES:-100}
parts=${VOX_BENCH_PARTS:-rtf,ttfa,throughput}
jobs=${VOX_BENCH_JOBS:-8}
phrases=${VOX_BENCH_PHRASES:-4}
wait_ms=${VOX_BENCH_BATCH_WAIT_MS:-10}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3  # Debian's, with python3-torch
models="$build_dir/bench/neural/models"
names=(vox-test-x_low vox-test-medium vox-test-high)
[[ $parts == *rtf* || $parts == *ttfa* ]] || names=(vox-test-medium)  # throughput's one model
missing=()
for name in "${names[@]}"; do [ -f "$models/$name.onnx" ] || missing+=("$name"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "neural bench: generating Piper-sized models in $models" >&2
  "$python" "$here/../../tools/piper_gen/piper_gen.py" --out "$models" --full-size \
    --only "${missing[@]}" >&2
fi
results=()
for name in "${names[@]}"; do
  [[ $parts == *rtf* ]] || break
  onnx="$models/$name.onnx"
  echo "neural bench: $name" >&2
  vox=$("$build_dir/bench/vox_neural_bench" "$onnx" "$threads" "$repeats" "$phonemes")
  torch=$("$python" "$here/eager_bench.py" "$onnx" "$threads" "$repeats" "$phonemes")
  # The same eager run with malloc set as Vox sets it (onnx/host_allocator.h): without it,
  # page faults on the vocoder's large intermediates make either runtime 1.5-2.5x slower,
  # by how busy the machine's memory is.
  tuned=$(GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456 \
    "$python" "$here/eager_bench.py" "$onnx" "$threads" "$repeats" "$phonemes")
  results+=("{\"model\":\"$name\",\"vox\":$vox,\"pytorch\":$torch,\"pytorch_tuned_malloc\":$tuned}")
done
joined=$(IFS=,; echo "${results[*]}")
# Time to first audio: the 100-word text, sentence by sentence, as a stream makes it.
ttfa=()
for name in "${names[@]}"; do
  [[ $parts == *ttfa* ]] || break
  echo "neural bench: time to first audio, $name" >&2
  ttfa+=("$("$build_dir/bench/vox_neural_ttfa" "$models/$name.onnx" "$threads" \
    "$here/ttfa_text.txt" "$repeats")")
done
ttfa_joined=$(IFS=,; echo "${ttfa[*]}")
# Throughput of the medium model: the same phrases at 1 job and at $jobs jobs, batching
# off (max 1 row) and on (max $jobs rows, $wait_ms ms wait).
runs=()
if [[ $parts == *throughput* ]]; then
  for config in "1 1" "$jobs 1" "1 $jobs" "$jobs $jobs"; do
    read -r n max <<<"$config"
    echo "neural bench: throughput, $n job(s), batch max $max" >&2
    runs+=("$("$build_dir/bench/vox_neural_throughput" "$models/vox-test-medium.onnx" \
      "$threads" "$n" "$phrases" "$max" "$wait_ms")")
  done
fi
throughput=$(IFS=,; echo "${runs[*]}")
"$python" - "$threads" "$phonemes" <<PY
import json, sys
rows = json.loads('[' + '''$joined''' + ']')
for r in rows:
    r["rtf_ratio_vox_over_pytorch"] = r["vox"]["rtf"] / r["pytorch"]["rtf"]
    r["rtf_ratio_vox_over_pytorch_tuned_malloc"] = r["vox"]["rtf"] / r["pytorch_tuned_malloc"]["rtf"]
runs = json.loads('[' + '''$throughput''' + ']')
ttfa = json.loads('[' + '''$ttfa_joined''' + ']')
out = {"benchmark": "neural", "threads": int(sys.argv[1]), "phonemes": int(sys.argv[2])}
if rows:
    out["blas"] = rows[0]["vox"]["blas"]
    out["blas_warning"] = out["blas"] == "reference"
    out["models"] = rows
if ttfa:
    out["time_to_first_audio"] = ttfa
if runs:
    rate = {(r["jobs"], r["batch_max"] > 1): r["audio_s_per_s"] for r in runs}
    n = max(r["jobs"] for r in runs)
    out["throughput"] = {
        "model": "vox-test-medium", "runs": runs,
        "ratio_n_jobs_over_1_unbatched": rate[(n, False)] / rate[(1, False)],
        "ratio_n_jobs_batched_over_1_unbatched": rate[(n, True)] / rate[(1, False)],
        "ratio_batched_over_unbatched_at_n_jobs": rate[(n, True)] / rate[(n, False)],
        "ratio_batched_over_unbatched_at_1_job": rate[(1, True)] / rate[(1, False)]}
print(json.dumps(out, indent=1))
PY
