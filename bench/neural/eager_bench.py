#!/usr/bin/python3
"""Eager PyTorch on the model neural_bench.cc runs: the same weights (NAME.pt beside the
.onnx), ids, noise (off) and thread count. Prints one JSON object.

    eager_bench.py MODEL.onnx THREADS REPEATS PHONEMES
"""
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "piper_gen"))
import piper_gen  # noqa: E402


def main():
    path, threads, repeats, phonemes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    index = json.loads((Path(path).parent / "index.json").read_text())
    entry = next(m for m in index["models"] if m["onnx"] == Path(path).name)
    model = piper_gen.build(entry["shape"], entry["num_speakers"], entry["seed"], entry["full_size"])
    model.load_state_dict(torch.load(Path(path).parent / entry["weights"]))
    sample_rate = json.loads(Path(path + ".json").read_text())["audio"]["sample_rate"]
    ids = torch.tensor([[(i * 37) % 159 for i in range(phonemes)]], dtype=torch.long)
    lengths = torch.tensor([phonemes])
    times = []
    with torch.inference_mode():
        for r in range(repeats + 1):  # the first run warms up
            start = time.perf_counter()
            audio = model.infer(ids, lengths, noise_scale=0.0, length_scale=1.0, noise_scale_w=0.0)
            if r:
                times.append(time.perf_counter() - start)
    times.sort()
    median = times[len(times) // 2]
    audio_s = audio.numel() / sample_rate
    print(json.dumps({"runtime": "pytorch", "threads": torch.get_num_threads(),
                      "audio_s": audio_s, "run_ms_median": median * 1000, "rtf": median / audio_s}))


if __name__ == "__main__":
    main()
