#!/usr/bin/env python3
"""Fits and measures SourceSpeakerEncoder from voice_dump_speaker_features' TSV.

Usage: source_eval.py dump.tsv [--features i,j,...] [--clip C] [--print-stats]

Prints per-feature separation (eval F-ratio; how far Vox clones sit from their
victim in within-speaker deviations), the EER of stats/1 and of the source
model on the evaluation protocol (enrol 4 sentences, test 6 held out), and the
scores of each victim's clone against its enrolment under both models.
--print-stats prints the background mean/stddev of the chosen features as C++.
Standard library only (no numpy on the build machines)."""
import math
import sys
from collections import defaultdict

ENROL = 4


def load(path):
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) != len(header):
                continue  # a partial last line while the dump still runs
            rows.append((p[0], p[1], int(p[2]), [float(x) for x in p[3:]]))
    nstats = sum(1 for h in header if h.startswith("stats"))
    return header[3 + nstats:], nstats, rows


def finite(x):
    return not (math.isnan(x) or math.isinf(x))


def background(rows, dim):
    by = defaultdict(list)
    for s, spk, _, v in rows:
        if s == "bg":
            by[spk].append(v)
    mean, std = [], []
    for i in range(dim):
        allv = [v[i] for vs in by.values() for v in vs if finite(v[i])]
        m = sum(allv) / len(allv)
        within, n, g = 0.0, 0, 0
        for vs in by.values():
            x = [v[i] for v in vs if finite(v[i])]
            if not x:
                continue
            sm = sum(x) / len(x)
            within += sum((a - sm) ** 2 for a in x)
            n += len(x)
            g += 1
        mean.append(m)
        std.append(math.sqrt(max(within / (n - g), 1e-6)))
    return mean, std


def embed(raw, mean, std, feats, clip):
    z = []
    for i in feats:
        x = raw[i]
        v = (x - mean[i]) / std[i] if finite(x) else 0.0
        z.append(max(-clip, min(clip, v)))
    n = math.sqrt(sum(a * a for a in z)) or 1.0
    return [a / n for a in z]


def unit(v):
    n = math.sqrt(sum(a * a for a in v)) or 1.0
    return [a / n for a in v]


def cos(a, b):
    return sum(x * y for x, y in zip(a, b))


def avg(vs):
    return unit([sum(c) / len(vs) for c in zip(*vs)])


def eer(target, nontarget):
    best = (2, 1, 0)
    for th in sorted(target + nontarget):
        frr = sum(s < th for s in target) / len(target)
        far = sum(s >= th for s in nontarget) / len(nontarget)
        if abs(frr - far) < best[0]:
            best = (abs(frr - far), (frr + far) / 2, th)
    return best[1], best[2]


def main():
    path = sys.argv[1]
    names, nstats, rows = load(path)
    args = sys.argv[2:]
    feats = list(range(len(names)))
    clip = 8.0
    if "--features" in args:
        feats = [int(x) for x in args[args.index("--features") + 1].split(",")]
    if "--clip" in args:
        clip = float(args[args.index("--clip") + 1])
    src = [(s, spk, i, v[nstats:]) for s, spk, i, v in rows]
    st = {(s, spk, i): unit(v[:nstats]) for s, spk, i, v in rows}
    mean, std = background(src, len(names))

    # Per feature: eval F-ratio and clone offset in within-speaker deviations.
    ev = defaultdict(list)
    cl = defaultdict(list)
    for s, spk, i, v in src:
        (ev if s == "eval" else cl if s == "clone" else {}).setdefault(spk, []).append(v) if s != "bg" else None
    print("%-24s %8s %8s %8s" % ("feature", "F-ratio", "clone-z", "bg-std"))
    for k, n in enumerate(names):
        within, nw, g, means = 0.0, 0, 0, []
        for spk, vs in ev.items():
            x = [v[k] for v in vs if finite(v[k])]
            if len(x) < 2:
                continue
            m = sum(x) / len(x)
            means.append(m)
            within += sum((a - m) ** 2 for a in x)
            nw += len(x)
            g += 1
        wv = within / max(1, nw - g)
        gm = sum(means) / len(means)
        bv = sum((m - gm) ** 2 for m in means) / max(1, len(means) - 1)
        offs = []
        for spk, vs in cl.items():
            a = [v[k] for v in vs if finite(v[k])]
            b = [v[k] for v in ev[spk] if finite(v[k])]
            if a and b:
                offs.append(abs(sum(a) / len(a) - sum(b) / len(b)) / math.sqrt(max(wv, 1e-12)))
        print("%2d %-21s %8.2f %8.2f %8.4g" % (k, n, bv / max(wv, 1e-12),
                                              sum(offs) / max(1, len(offs)), std[k]))

    # EER under the evaluation protocol.
    def scores(get):
        enrol = {}
        tests = defaultdict(list)
        for s, spk, i, v in src:
            if s != "eval":
                continue
            if i < ENROL:
                enrol.setdefault(spk, []).append(get(s, spk, i, v))
            else:
                tests[spk].append(get(s, spk, i, v))
        enrol = {k: avg(v) for k, v in enrol.items()}
        return enrol, tests

    getsrc = lambda s, spk, i, v: embed(v, mean, std, feats, clip)
    getst = lambda s, spk, i, v: st[(s, spk, i)]
    results = {}
    for name, get in (("stats/1", getst), ("source", getsrc)):
        enrol, tests = scores(get)
        tgt, non = [], []
        for spk, ts in tests.items():
            for t in ts:
                for o, e in enrol.items():
                    (tgt if o == spk else non).append(cos(t, e))
        r, th = eer(tgt, non)
        results[name] = (enrol, tests)
        print("%s: EER %.2f%% at %.3f; same mean %.3f min %.3f; other mean %.3f max %.3f" % (
            name, 100 * r, th, sum(tgt) / len(tgt), min(tgt), sum(non) / len(non), max(non)))

    print("\n%-22s %-16s %-16s %-16s %-16s" % ("victim", "stats genuine", "stats clone",
                                                "source genuine", "source clone"))
    for spk in sorted(cl):
        line = "%-22s" % spk
        for name, get in (("stats/1", getst), ("source", getsrc)):
            enrol, tests = results[name]
            gen = [cos(t, enrol[spk]) for t in tests[spk]]
            clo = [cos(get("clone", spk, i, v), enrol[spk])
                   for s, sp, i, v in src if s == "clone" and sp == spk]
            line += " %.3f..%.3f    %.3f..%.3f   " % (min(gen), max(gen), min(clo), max(clo))
        print(line)
    # Consent-style decisions: stats/1 alone vs both encoders. Victims whose
    # excitation came from a human recording (diphone voices) or a formant
    # synthesizer, against those made by flite clustergen or HTS, which share the
    # clone's own vocoder family and cannot be told apart from it by design.
    th_stats = float(args[args.index("--stats-threshold") + 1]) if "--stats-threshold" in args else 0.88
    th_src = float(args[args.index("--source-threshold") + 1]) if "--source-threshold" in args else 0.78
    groups = {"diphone (human residual)": ("festival-ked", "flite-kal"),
              "espeak (formant synthesis)": ("espeak-",),
              "flite/HTS vocoded": ("flite-slt", "flite-rms", "flite-awb", "festival-slt-hts")}
    se, stt = results["stats/1"]
    so, sot = results["source"]
    print("\nthresholds stats/1 %.2f, source %.2f" % (th_stats, th_src))
    for g, prefixes in groups.items():
        victims = [k for k in cl if k.startswith(prefixes)]
        ca = cb = n = ga = gb = m = 0
        for k in victims:
            for s_, sp, i, v in src:
                if s_ == "clone" and sp == k:
                    a = cos(getst(s_, sp, i, v), se[k]) >= th_stats
                    b = cos(getsrc(s_, sp, i, v), so[k]) >= th_src
                    ca += a
                    cb += a and b
                    n += 1
            for t1, t2 in zip(stt[k], sot[k]):
                a = cos(t1, se[k]) >= th_stats
                b = cos(t2, so[k]) >= th_src
                ga += a
                gb += a and b
                m += 1
        print("%-28s clone accepted: stats/1 %d/%d, both %d/%d; genuine accepted: stats/1 %d/%d, both %d/%d"
              % (g, ca, n, cb, n, ga, m, gb, m))
    if "--print-stats" in args:
        print("mean = {%s};" % ", ".join("%.6g" % mean[i] for i in feats))
        print("stddev = {%s};" % ", ".join("%.6g" % std[i] for i in feats))


if __name__ == "__main__":
    main()
