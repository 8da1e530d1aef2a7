#!/usr/bin/python3
"""Writes small random-weight Piper voices and PyTorch's reference audio for them.

    /usr/bin/python3 tools/piper_gen/piper_gen.py --out DIR [--only NAME ...]

For each model NAME: DIR/NAME.onnx (exported exactly as piper_train.export_onnx does:
opset 15, inputs input/input_lengths/scales[/sid], output `output`, the same dynamic
axes), DIR/NAME.onnx.json (Piper's voice config), DIR/NAME.pt (the weights, for eager
PyTorch benchmarks), and reference cases: DIR/NAME.CASE.f32, raw little-endian float32
audio computed by the PyTorch model itself with noise scales 0 (deterministic). DIR/index.json
lists every model, case (ids, lengths, scales, sid, output shape, file) and the operator
types in each graph.

Durations are rounded up (ceil) inside the model, so a reference whose un-rounded
duration lies within MARGIN of an integer could flip by one frame on a last-bit
difference; such a seed is rejected and the next one tried (deterministically).
"""
import argparse
import json
import math
import sys
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from phoneme_ids import NUM_SYMBOLS, PHONEME_ID_MAP  # noqa: E402
from vits import SynthesizerTrn  # noqa: E402

OPSET_VERSION = 15  # piper_train.export_onnx
MARGIN = 5e-4
LENGTHS = (1, 3, 50, 400)

# Piper's quality presets (piper_train/__main__.py, vits/lightning.py) with every channel
# count scaled down so the tests run in seconds; structure and the other hyperparameters
# (heads, layers, kernels, dilations, upsampling rates) are Piper's own.
_DECODER_LOW_MEDIUM = dict(resblock="2", resblock_kernel_sizes=(3, 5, 7),
                           resblock_dilation_sizes=((1, 2), (2, 6), (3, 12)),
                           upsample_rates=(8, 8, 4), upsample_kernel_sizes=(16, 16, 8))
_DECODER_HIGH = dict(resblock="1", resblock_kernel_sizes=(3, 7, 11),
                     resblock_dilation_sizes=((1, 3, 5), (1, 3, 5), (1, 3, 5)),
                     upsample_rates=(8, 8, 2, 2), upsample_kernel_sizes=(16, 16, 4, 4))
SHAPES = {
    # Piper: hidden/inter 96, filter 384, decoder 256 channels
    "x_low": dict(hidden_channels=16, inter_channels=16, filter_channels=64,
                  upsample_initial_channel=32, sample_rate=16000, **_DECODER_LOW_MEDIUM),
    # Piper: hidden/inter 192, filter 768, decoder 256 channels
    "medium": dict(hidden_channels=24, inter_channels=24, filter_channels=96,
                   upsample_initial_channel=32, sample_rate=22050, **_DECODER_LOW_MEDIUM),
    # Piper: hidden/inter 192, filter 768, decoder 512 channels, ResBlock1
    "high": dict(hidden_channels=24, inter_channels=24, filter_channels=96,
                 upsample_initial_channel=64, sample_rate=22050, **_DECODER_HIGH),
}
# Piper's own channel counts, for benchmarks (--full-size): about 20, 60 and 110 MB models.
FULL_SIZE = {
    "x_low": dict(hidden_channels=96, inter_channels=96, filter_channels=384,
                  upsample_initial_channel=256),
    "medium": dict(hidden_channels=192, inter_channels=192, filter_channels=768,
                   upsample_initial_channel=256),
    "high": dict(hidden_channels=192, inter_channels=192, filter_channels=768,
                 upsample_initial_channel=512),
}
MODELS = {
    # name: (shape, speakers, first seed)
    "vox-test-x_low": ("x_low", 1, 100),
    "vox-test-medium": ("medium", 1, 200),
    "vox-test-high": ("high", 1, 300),
    "vox-test-multi": ("medium", 4, 400),
}
SPEAKERS = ["alba", "bruno", "chidi", "dana"]
GIN_CHANNELS = 16  # Piper: 512 for multi-speaker voices


def shape_params(shape, full_size=False):
    p = dict(SHAPES[shape], **(FULL_SIZE[shape] if full_size else {}))
    return p


def build(shape, speakers, seed, full_size=False):
    torch.manual_seed(seed)
    p = {k: v for k, v in shape_params(shape, full_size).items() if k != "sample_rate"}
    gin = (512 if full_size else GIN_CHANNELS) if speakers > 1 else 0
    model = SynthesizerTrn(n_vocab=NUM_SYMBOLS, n_heads=2, n_layers=6, kernel_size=3,
                           n_speakers=speakers, gin_channels=gin, **p)
    # A trained model has nothing at its initial value: perturb the parameters VITS starts at
    # constants (layer norms, affine flows), so every path of the graph carries signal.
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith(("gamma",)):
                param.copy_(1 + 0.1 * torch.randn_like(param))
            elif name.endswith(("beta", ".m", ".logs")):
                param.copy_(0.1 * torch.randn_like(param))
    return calibrate_durations(model.eval(), speakers)


def calibrate_durations(model, speakers):
    """Speech-like durations (about 2.5 frames a phoneme, spread like a trained voice's)
    rather than whatever random flows give (from under one frame to thousands). The first
    ElementwiseAffine flow runs last in reverse, logw = (z - m) * exp(-logs): choose m and
    logs from the statistics of z on a calibration sentence, with Piper's default duration
    noise (noise_w 0.8) drawn a few times, so the voices stay sane at their config's
    defaults as well as with the noise off."""
    affine = model.dp.flows[0]
    with torch.no_grad():
        affine.m.zero_()
        affine.logs.zero_()
        ids = ids_of_length(200, 7).unsqueeze(0)
        sid = torch.tensor([0]) if speakers > 1 else None
        torch.manual_seed(0)
        z = torch.cat([torch.log(model.durations(ids, torch.tensor([200]), sid=sid,
                                                 noise_scale_w=noise_w)[0]).flatten()
                       for noise_w in (0.0, 0.8, 0.8, 0.8)])
        mean, std = float(z.mean()), float(z.std())
        affine.logs[0] = math.log(std / 0.5)
        affine.m[0] = mean - math.log(2.5) * std / 0.5
    return model


def ids_of_length(n, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, len(PHONEME_ID_MAP), (n,), generator=g, dtype=torch.long)


def reference_cases(speakers):
    """(name, ids [B,T], lengths [B], scales [3], sid [B] or None)."""
    zero_noise = torch.tensor([0.0, 1.0, 0.0])
    sids = [0, speakers - 1] if speakers > 1 else [None]
    cases = []
    for n in LENGTHS:
        ids = ids_of_length(n, 1000 + n).unsqueeze(0)
        for sid in sids:
            suffix = f"_sid{sid}" if sid is not None else ""
            cases.append((f"len{n}{suffix}", ids, torch.tensor([n]), zero_noise,
                          None if sid is None else torch.tensor([sid])))
    # Slower speech through length_scale, to cover a non-unit scale.
    ids = ids_of_length(50, 1050).unsqueeze(0)
    cases.append(("len50_slow", ids, torch.tensor([50]), torch.tensor([0.0, 1.7, 0.0]),
                  None if speakers == 1 else torch.tensor([0])))
    # A padded batch: three sentences of different lengths, padded with id 0 (Piper's pad).
    lengths = [50, 17, 3]
    batch = torch.zeros(len(lengths), max(lengths), dtype=torch.long)
    for i, n in enumerate(lengths):
        batch[i, :n] = ids_of_length(n, 2000 + n)
    sid = None if speakers == 1 else torch.tensor([0, speakers - 1, 1])
    cases.append(("batch3", batch, torch.tensor(lengths), zero_noise, sid))
    return cases


def duration_margin(model, cases):
    worst = 1.0
    with torch.no_grad():
        for _, ids, lengths, scales, sid in cases:
            w, mask = model.durations(ids, lengths, sid=sid, length_scale=float(scales[1]),
                                      noise_scale_w=float(scales[2]))
            frac = (w - torch.round(w)).abs()[mask > 0]
            worst = min(worst, float(frac.min()))
    return worst


def export(model, path, speakers):
    class Export(torch.nn.Module):
        def __init__(self, g):
            super().__init__()
            self.g = g

        def forward(self, text, text_lengths, scales, sid=None):
            return self.g.infer(text, text_lengths, sid=sid, noise_scale=scales[0],
                                length_scale=scales[1], noise_scale_w=scales[2])

    torch.manual_seed(1234)
    sequences = torch.randint(0, NUM_SYMBOLS, (1, 50), dtype=torch.long)
    sid = torch.LongTensor([0]) if speakers > 1 else None
    dummy = (sequences, torch.LongTensor([50]), torch.FloatTensor([0.667, 1.0, 0.8]), sid)
    torch.onnx.export(model=Export(model), args=dummy, f=str(path), verbose=False,
                      opset_version=OPSET_VERSION,
                      input_names=["input", "input_lengths", "scales", "sid"],
                      output_names=["output"],
                      dynamic_axes={"input": {0: "batch_size", 1: "phonemes"},
                                    "input_lengths": {0: "batch_size"},
                                    "output": {0: "batch_size", 1: "time"}})


def voice_config(name, shape, speakers):
    return {
        "dataset": name,
        "audio": {"sample_rate": SHAPES[shape]["sample_rate"], "quality": shape},
        "espeak": {"voice": "en-us"},
        "language": {"code": "en_US", "family": "en", "region": "US",
                     "name_native": "English", "name_english": "English",
                     "country_english": "United States"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": PHONEME_ID_MAP,
        "num_symbols": NUM_SYMBOLS,
        "num_speakers": speakers,
        "speaker_id_map": {s: i for i, s in enumerate(SPEAKERS[:speakers])} if speakers > 1 else {},
        "piper_version": "1.0.0",
    }


def generate(out, name, shape, speakers, seed, full_size=False, references=True):
    cases = reference_cases(speakers) if references else []
    for attempt in range(20):
        model = build(shape, speakers, seed + attempt, full_size)
        margin = duration_margin(model, cases) if cases else 1.0
        if margin >= MARGIN:
            break
    else:
        raise SystemExit(f"{name}: no seed gave durations {MARGIN} away from integers")
    onnx_path = out / f"{name}.onnx"
    export(model, onnx_path, speakers)
    (out / f"{name}.onnx.json").write_text(
        json.dumps(voice_config(name, shape, speakers), ensure_ascii=False, indent=2))
    torch.save(model.state_dict(), out / f"{name}.pt")

    entries = []
    with torch.no_grad():
        for case, ids, lengths, scales, sid in cases:
            audio = model.infer(ids, lengths, sid=sid, noise_scale=float(scales[0]),
                                length_scale=float(scales[1]), noise_scale_w=float(scales[2]))
            file = f"{name}.{case}.f32"
            audio.contiguous().numpy().astype("<f4").tofile(out / file)
            entries.append({"name": case, "input": ids.flatten().tolist(),
                            "input_shape": list(ids.shape), "input_lengths": lengths.tolist(),
                            "scales": scales.tolist(),
                            "sid": None if sid is None else sid.tolist(),
                            "output_shape": list(audio.shape), "output_file": file,
                            "peak": float(audio.abs().max())})
    import onnx  # after export: torch.onnx does not need it, the op listing does
    ops = sorted({n.op_type for n in onnx.load(str(onnx_path)).graph.node})
    return {"name": name, "shape": shape, "num_speakers": speakers, "seed": seed + attempt,
            "duration_margin": margin, "onnx": onnx_path.name, "config": f"{name}.onnx.json",
            "weights": f"{name}.pt", "full_size": full_size,
            "shape_params": shape_params(shape, full_size),
            "op_types": ops, "cases": entries}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--only", nargs="*", help="model names (default: all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--full-size", action="store_true",
                        help="Piper's real channel counts (benchmarks), no reference cases")
    args = parser.parse_args()
    # torch.onnx.export warns at length about its own constant folding and shape inference.
    warnings.filterwarnings("ignore", category=UserWarning)
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    names = args.only or list(MODELS)
    models = []
    for name in names:
        shape, speakers, seed = MODELS[name]
        models.append(generate(args.out, name, shape, speakers, seed, args.full_size,
                               references=not args.full_size))
    all_ops = sorted({op for m in models for op in m["op_types"]})
    index = {"opset": OPSET_VERSION, "models": models, "op_types": all_ops}
    (args.out / "index.json").write_text(json.dumps(index, indent=1))
    print(f"piper_gen: {len(models)} models in {args.out}; operators: {' '.join(all_ops)}")


if __name__ == "__main__":
    main()
