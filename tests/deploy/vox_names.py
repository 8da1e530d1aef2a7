"""What the Vox code actually reads and exports, found by reading src/.

Deployment files may only name settings Vox reads and metrics Vox registers:
a typo there is a setting silently ignored or a panel forever empty.
"""
import pathlib
import re

_ENV = re.compile(r'"((?:VOX|AWS)_[A-Z0-9_]+)"')
# registry.AddCounter("vox_x", "help" "more help", {"label", ...}), over several lines.
_METRIC = re.compile(r'Add(Counter|Gauge|Histogram)\(\s*"(vox_[a-z0-9_]+)"\s*,\s*'
                     r'(?:"(?:[^"\\]|\\.)*"\s*)+(?:,\s*\{([^}]*)\})?')


def _sources(src):
    root = pathlib.Path(src) / "src"
    for path in root.rglob("*"):
        if path.suffix not in (".cc", ".h") or path.name.endswith("_test.cc"):
            continue
        if "testing" in path.parts:
            continue
        yield path.read_text(encoding="utf-8", errors="replace")


def env_names(src):
    """Every VOX_* / AWS_* name quoted in the non-test sources."""
    names = set()
    for text in _sources(src):
        names.update(_ENV.findall(text))
    return names


def env_name_known(name, known):
    """A name Vox reads, or its `…_FILE` variant (DESIGN.md: every secret has one)."""
    return name in known or (name.endswith("_FILE") and name[: -len("_FILE")] in known)


def metric_families(src):
    """{family name: (kind, {label names})} for every metric the non-test sources register."""
    families = {}
    for text in _sources(src):
        for kind, name, labels in _METRIC.findall(text):
            families[name] = (kind.lower(), set(re.findall(r'"([a-z_]+)"', labels)))
    return families


def series_labels(src):
    """{series name: label names it may carry}; histogram buckets add `le`."""
    out = {}
    for name, (kind, labels) in metric_families(src).items():
        out[name] = labels
        if kind == "histogram":
            out.update({name + "_bucket": labels | {"le"}, name + "_sum": labels,
                        name + "_count": labels})
    return out


def series_names(src):
    """Every series name a scrape can hold: histograms add _bucket, _sum and _count."""
    return set(series_labels(src))


def metric_names_in(expression):
    """The vox_* series an expression (PromQL) refers to."""
    return set(re.findall(r"\bvox_[a-z0-9_]+", expression))


def label_matchers_in(expression):
    """(series, label) for every `vox_x{label=...}` matcher in an expression."""
    pairs = set()
    for name, body in re.findall(r"\b(vox_[a-z0-9_]+)\{([^}]*)\}", expression):
        for label in re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", body):
            pairs.add((name, label))
    return pairs
