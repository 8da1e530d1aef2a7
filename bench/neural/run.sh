#!/usr/bin/env bash
# Neural voices: Vox's ONNX runtime against eager PyTorch on Piper-sized random models
# (x_low, medium, high), same ids, same threads, in the same run. Prints one JSON object.
# Usage: bench/neural/run.sh [BUILD_DIR] [THREADS]   (VOX_BENCH_REPEATS, VOX_BENCH_PHONEMES)
set -euo pipefail
build_dir=${1:-build}
threads=${2:-${VOX_NEURAL_THREADS:-1}}
repeats=${VOX_BENCH_REPEATS:-3}
phonemes=${VOX_BENCH_PHONEMES:-100}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3  # Debian's, with python3-torch
models="$build_dir/bench/neural/models"
names=(vox-test-x_low vox-test-medium vox-test-high)
if [ ! -f "$models/index.json" ]; then
  echo "neural bench: generating Piper-sized models in $models" >&2
  "$python" "$here/../../tools/piper_gen/piper_gen.py" --out "$models" --full-size \
    --only "${names[@]}" >&2
fi
results=()
for name in "${names[@]}"; do
  onnx="$models/$name.onnx"
  echo "neural bench: $name" >&2
  vox=$("$build_dir/bench/vox_neural_bench" "$onnx" "$threads" "$repeats" "$phonemes")
  torch=$("$python" "$here/eager_bench.py" "$onnx" "$threads" "$repeats" "$phonemes")
  results+=("{\"model\":\"$name\",\"vox\":$vox,\"pytorch\":$torch}")
done
joined=$(IFS=,; echo "${results[*]}")
"$python" - "$threads" "$phonemes" <<PY
import json, sys
rows = json.loads('[' + '''$joined''' + ']')
for r in rows:
    r["rtf_ratio_vox_over_pytorch"] = r["vox"]["rtf"] / r["pytorch"]["rtf"]
blas = rows[0]["vox"]["blas"]
print(json.dumps({"benchmark": "neural", "threads": int(sys.argv[1]), "phonemes": int(sys.argv[2]),
                  "blas": blas, "blas_warning": blas == "reference", "models": rows}, indent=1))
PY
