#!/usr/bin/env python3
"""Cost per million characters and per hour of audio, from throughput measured here.

  bench/cost.py measure --vox build/src/cli/vox [--voices flite-slt,espeak-en-us]
                [--neural NEURAL.json] > measured.json
  bench/cost.py price measured.json [--prices bench/cost_prices.json]
                [--assumptions bench/cost_assumptions.json] [--markdown]

`measure` runs `vox synth` on a fixed English text (bench/cost_text.txt) per
voice, once to WAV (wall time, audio duration, characters) and once to MP3
(bytes per audio second, what storage and egress pay for). One process, one
synthesis thread: its audio seconds per wall second is the throughput of one
core. `--neural` adds Piper-sized models from the JSON of `bench/run.sh build
neural` (Vox's RTF on THREADS threads of random-weight graphs at Piper's
sizes); their speech rate and MP3 size are borrowed from the first measured
voice, since random weights speak no language. `price` scales that to each instance's vCPUs (times the measured
scaling efficiency), keeps the autoscaling buffer idle, and adds storage,
egress, the load balancer and monitoring. docs/COST.md explains every figure.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import wave

HERE = pathlib.Path(__file__).resolve().parent
HOURS_PER_MONTH = 730


def add_neural(out, neural):
    """Engines from `bench/run.sh build neural`: one core gives 1 / (RTF x threads) audio s per s."""
    borrowed = next(iter(out["engines"].values()))
    for row in neural["models"]:
        out["engines"][f"piper-{row['model']}"] = {
            "rtf": row["vox"]["rtf"],
            "threads": neural["threads"],
            "audio_s_per_core_s": round(1 / (row["vox"]["rtf"] * neural["threads"]), 2),
            "characters_per_audio_s": borrowed["characters_per_audio_s"],
            "mp3_bytes_per_audio_s": borrowed["mp3_bytes_per_audio_s"],
            "source": "bench/run.sh build neural (speech rate and MP3 size borrowed)",
        }
    return out


def _best_wall(argv, repeats):
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        best = wall if best is None else min(best, wall)
    return best


def measure(vox, voices, text_path, repeats, text_repeats=1):
    text = pathlib.Path(text_path).read_text(encoding="utf-8") * text_repeats
    out = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "load_average_1m": os.getloadavg()[0],
           "method": "vox synth --input TEXT, one process per run, best wall time of the repeats "
                     "minus the best wall time of the same command on a two-word text (process "
                     "start and voice load); audio seconds from the WAV header; MP3 bytes at "
                     "vox's defaults",
           "characters": len(text), "engines": {}}
    with tempfile.TemporaryDirectory() as tmp:
        # Long enough that the synthesis, not the process start, is what is timed.
        text_path = f"{tmp}/text.txt"
        pathlib.Path(text_path).write_text(text, encoding="utf-8")
        for voice in voices:
            wav, mp3 = f"{tmp}/{voice}.wav", f"{tmp}/{voice}.mp3"
            synth = [vox, "synth", "--voice", voice]
            startup = _best_wall(synth + ["--text", "Hello there.", "--out", wav], repeats)
            best = _best_wall(synth + ["--input", text_path, "--out", wav], repeats)
            with wave.open(wav) as w:
                audio_s = w.getnframes() / w.getframerate()
            subprocess.run(synth + ["--input", text_path, "--out", mp3], check=True,
                           stdout=subprocess.DEVNULL)
            work = max(best - startup, 1e-3)
            out["engines"][voice] = {
                "wall_s": round(best, 4),
                "startup_s": round(startup, 4),
                "audio_s": round(audio_s, 3),
                "audio_s_per_core_s": round(audio_s / work, 2),
                "characters_per_audio_s": round(len(text) / audio_s, 2),
                "mp3_bytes_per_audio_s": round(pathlib.Path(mp3).stat().st_size / audio_s, 1),
            }
    return out


def price(measured, prices, assumptions):
    """Every figure per engine and instance type, from the three inputs alone."""
    buffer = assumptions["autoscaling_buffer"]
    if not 0 <= buffer < 1:
        raise ValueError("autoscaling_buffer must be in [0, 1)")
    efficiency = assumptions["scaling_efficiency"]
    monthly_chars = assumptions["monthly_characters"]
    # Shared by every engine and instance: one load balancer and the monitoring, all month.
    fixed_month = (prices["load_balancer_usd_per_hour"] + prices["load_balancer_lcu_usd_per_hour"] *
                   assumptions["lb_lcu_average"]) * HOURS_PER_MONTH + prices["monitoring_usd_per_month"]
    rows = []
    for engine, m in measured["engines"].items():
        chars_per_audio_s = m["characters_per_audio_s"]
        gb_per_audio_hour = m["mp3_bytes_per_audio_s"] * 3600 / 1e9
        storage_h = gb_per_audio_hour * prices["storage_usd_per_gb_month"] * \
            assumptions["storage_retention_months"]
        egress_h = gb_per_audio_hour * prices["egress_usd_per_gb"] * assumptions["downloads_per_job"]
        monthly_audio_h = monthly_chars / chars_per_audio_s / 3600
        fixed_h = fixed_month / monthly_audio_h
        for name, inst in prices["instances"].items():
            # Audio hours one instance makes in an hour, busy (1 - buffer) of the time.
            audio_h_per_h = m["audio_s_per_core_s"] * inst["vcpus"] * efficiency * (1 - buffer)
            compute_h = inst["usd_per_hour"] / audio_h_per_h
            per_audio_hour = {"compute": compute_h, "storage": storage_h, "egress": egress_h,
                              "load_balancer_and_monitoring": fixed_h}
            total_h = sum(per_audio_hour.values())
            # One audio hour carries chars_per_audio_s * 3600 characters.
            to_million_chars = 1e6 / (chars_per_audio_s * 3600)
            # At the stated volume the fleet never shrinks below min_instances (running all
            # month), so a small volume pays for idle capacity the per-hour figures omit.
            needed = monthly_audio_h / HOURS_PER_MONTH / audio_h_per_h
            fleet = max(assumptions["min_instances"], needed)
            month = fleet * inst["usd_per_hour"] * HOURS_PER_MONTH + fixed_month + \
                (storage_h + egress_h) * monthly_audio_h
            rows.append({
                "engine": engine, "instance": name, "gpu_used": False,
                "audio_hours_per_instance_hour": round(audio_h_per_h, 2),
                "instances_for_monthly_volume": round(needed, 3),
                "usd_per_month_at_volume": round(month, 2),
                "usd_per_million_characters_at_volume": round(month / (monthly_chars / 1e6), 4),
                "usd_per_audio_hour": {k: round(v, 6) for k, v in per_audio_hour.items()} | {
                    "total": round(total_h, 6)},
                "usd_per_million_characters": {k: round(v * to_million_chars, 6)
                                               for k, v in per_audio_hour.items()} | {
                    "total": round(total_h * to_million_chars, 6)},
            })
    return {"prices_as_of": prices["prices_as_of"], "measured_at": measured.get("measured_at"),
            "assumptions": {k: v for k, v in assumptions.items() if k != "notes"},
            "fixed_usd_per_month": round(fixed_month, 2), "rows": rows}


def markdown(result):
    lines = ["| engine | instance | audio h per instance h | $ / audio hour | $ / 1M characters "
             "| of which compute | $ / 1M characters at the monthly volume |",
             "|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        lines.append(f"| {r['engine']} | {r['instance']} | {r['audio_hours_per_instance_hour']} | "
                     f"{r['usd_per_audio_hour']['total']:.4f} | "
                     f"{r['usd_per_million_characters']['total']:.4f} | "
                     f"{r['usd_per_million_characters']['compute']:.4f} | "
                     f"{r['usd_per_million_characters_at_volume']:.2f} |")
    return "\n".join(lines)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--vox", required=True)
    m.add_argument("--voices", default="flite-slt,flite-kal16,espeak-en-us")
    m.add_argument("--text", default=str(HERE / "cost_text.txt"))
    m.add_argument("--repeats", type=int, default=3)
    m.add_argument("--text-repeats", type=int, default=8, help="the text, this many times over")
    m.add_argument("--neural", help="JSON printed by bench/run.sh build neural")
    c = sub.add_parser("price")
    c.add_argument("measured")
    c.add_argument("--prices", default=str(HERE / "cost_prices.json"))
    c.add_argument("--assumptions", default=str(HERE / "cost_assumptions.json"))
    c.add_argument("--markdown", action="store_true")
    a = p.parse_args(argv)
    if a.command == "measure":
        out = measure(a.vox, a.voices.split(","), a.text, a.repeats, a.text_repeats)
        if a.neural:
            out = add_neural(out, json.loads(pathlib.Path(a.neural).read_text()))
        print(json.dumps(out, indent=1))
        return 0
    load = lambda path: json.loads(pathlib.Path(path).read_text())
    result = price(load(a.measured), load(a.prices), load(a.assumptions))
    print(markdown(result) if a.markdown else json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
