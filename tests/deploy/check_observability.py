"""Offline checks of deploy/observability and docs/LOGS.md (Debian's prometheus
package, the only one with promtool, installs ~94 MB of server and web UI; these
checks need only python3-yaml):
  - alerts.yaml: rule groups well formed (alert, expr, for, severity, summary),
    balanced PromQL, every vox_* series and label matcher one that src/
    registers (a `future_metric` annotation may name one feature still to come),
    and the alerts the issue asks for present;
  - grafana-dashboard.json: panels well formed, every query's series and
    grouping labels real, the topics the issue asks for covered;
  - broken copies of both must be rejected;
  - with a vox binary: `vox serve --log-format json` under a few requests and a
    job, every stderr line JSON with only keys docs/LOGS.md documents.
Usage: check_observability.py SOURCE_DIR [VOX_BINARY]
"""
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import vox_names  # noqa: E402
from report import Report  # noqa: E402

# Series of other exporters a query may use (Prometheus itself, NVIDIA dcgm-exporter).
EXTERNAL = re.compile(r"^(up|DCGM_FI_[A-Z_]+)$")
SEVERITIES = {"warning", "critical"}
REQUIRED_ALERTS = {  # what the issue asks for -> a series the alert must use
    "backlog growing": "vox_queue_jobs",
    "error rate": "vox_http_requests_total",
    "no live worker": "vox_workers_live",
    "audit chain broken": "vox_audit_chain_valid",
}
REQUIRED_PANELS = {
    "latency": "vox_http_request_duration_seconds_bucket",
    "errors": "vox_http_requests_total",
    "queue depth": "vox_queue_jobs",
    "real-time factor": "vox_synthesis_realtime_factor_bucket",
    "time to first audio": "vox_stream_time_to_first_audio_seconds_bucket",
    "workers": "vox_workers_live",
    "GPU": "DCGM_FI_DEV_GPU_UTIL",
}


def check_expr(where, expr, series, allowed_future, errors):
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for ch in re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr):
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch in pairs.values() and (not stack or stack.pop() != ch):
            errors.append(f"{where}: unbalanced {ch!r} in {expr!r}")
            return
    if stack:
        errors.append(f"{where}: unclosed {stack[-1]!r} in {expr!r}")
    used = vox_names.metric_names_in(expr)
    for name in used - set(series) - allowed_future:
        errors.append(f"{where}: {name} is not a series Vox exports")
    for name, label in vox_names.label_matchers_in(expr):
        if name in series and label not in series[name]:
            errors.append(f"{where}: {name} has no label {label!r}")
    known = set().union(*(series[n] for n in used if n in series)) | {"le"}
    if used and not (used - set(series)):
        for group in re.findall(r"\bby\s*\(([^)]*)\)", expr):
            for label in re.findall(r"[a-zA-Z_]\w*", group):
                if label not in known:
                    errors.append(f"{where}: groups by {label!r}, a label none of {sorted(used)} has")
    # A selector with matchers or a range names a series: Vox's, or a known exporter's.
    for ident in re.findall(r"\b([A-Za-z_:][A-Za-z0-9_:]*)(?=\{|\[)", expr):
        if not ident.startswith("vox_") and not EXTERNAL.match(ident):
            errors.append(f"{where}: {ident} is neither a Vox series nor a known exporter's")


def check_alerts(doc, series):
    errors, names, uses = [], set(), {}
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if not groups:
        return ["alerts.yaml: no groups"]
    for g in groups:
        for r in g.get("rules", []):
            name = r.get("alert")
            where = f"alert {name}"
            if not name or not re.fullmatch(r"[A-Z][A-Za-z0-9]+", name) or name in names:
                errors.append(f"{where}: missing, not CamelCase, or repeated")
            names.add(name)
            if not isinstance(r.get("expr"), str) or not r["expr"].strip():
                errors.append(f"{where}: no expr")
                continue
            if not re.fullmatch(r"\d+[smh]", str(r.get("for", ""))):
                errors.append(f"{where}: `for` must be a duration like 5m")
            if r.get("labels", {}).get("severity") not in SEVERITIES:
                errors.append(f"{where}: severity must be one of {sorted(SEVERITIES)}")
            ann = r.get("annotations", {})
            if not ann.get("summary"):
                errors.append(f"{where}: no summary")
            future = {ann["future_metric"].split(":")[0]} if "future_metric" in ann else set()
            check_expr(where, r["expr"], series, future, errors)
            uses[name] = vox_names.metric_names_in(r["expr"])
    for topic, metric in REQUIRED_ALERTS.items():
        if not any(metric in u for u in uses.values()):
            errors.append(f"alerts.yaml: no alert for {topic} (on {metric})")
    return errors


def check_dashboard(dash, series):
    errors, ids, used = [], set(), set()
    variables = {v.get("name") for v in dash.get("templating", {}).get("list", [])}
    for p in dash.get("panels", []):
        where = f"panel {p.get('title')!r}"
        if p.get("id") in ids or not p.get("title") or not p.get("type"):
            errors.append(f"{where}: needs a unique id, a title and a type")
        ids.add(p.get("id"))
        if not {"h", "w", "x", "y"} <= set(p.get("gridPos", {})):
            errors.append(f"{where}: no gridPos")
        uid = p.get("datasource", {}).get("uid", "")
        if uid.startswith("$") and uid.strip("${}") not in variables:
            errors.append(f"{where}: datasource {uid} is not a dashboard variable")
        targets = p.get("targets") or []
        if not targets:
            errors.append(f"{where}: no queries")
        for t in targets:
            expr = t.get("expr", "")
            check_expr(f"{where} query {t.get('refId')}", expr, series, set(), errors)
            used |= vox_names.metric_names_in(expr) | set(re.findall(r"DCGM_FI_[A-Z_]+", expr))
    for topic, metric in REQUIRED_PANELS.items():
        if metric not in used:
            errors.append(f"dashboard: nothing shows {topic} ({metric})")
    return errors


def documented_log_keys(logs_md):
    return set(re.findall(r"^\| `([a-z_]+)` \|", logs_md, flags=re.M))


def check_logs(vox, documented):
    """Runs vox serve with JSON logs; returns errors about undocumented or malformed lines."""
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, VOX_LOG_FORMAT="json", VOX_LOG_LEVEL="debug")
        err_path = pathlib.Path(tmp) / "err"
        with open(err_path, "w") as err:
            proc = subprocess.Popen([vox, "serve", "--listen", "127.0.0.1:0", "--data", f"{tmp}/d",
                                     "--workers", "1"], stdout=subprocess.PIPE, stderr=err,
                                    text=True, env=env)
            try:
                port = key = None
                deadline = time.time() + 20
                while time.time() < deadline and not port:
                    line = proc.stdout.readline()
                    if line.startswith("vox_"):
                        key = line.strip()
                    m = re.match(r"vox: listening on http://127\.0\.0\.1:(\d+)", line)
                    port = m and m.group(1)
                if not port or not key:
                    return [f"vox serve did not start: {err_path.read_text()[-500:]}"]
                base = f"http://127.0.0.1:{port}"

                def call(path, body=None, auth=True):
                    req = urllib.request.Request(base + path, data=body)
                    if auth:
                        req.add_header("Authorization", f"Bearer {key}")
                    if body:
                        req.add_header("Content-Type", "application/json")
                    try:
                        with urllib.request.urlopen(req, timeout=10) as r:
                            return json.loads(r.read() or b"{}")
                    except urllib.error.HTTPError as e:
                        return {"http_error": e.code}

                call("/healthz", auth=False)
                call("/v1/voices", auth=False)  # 401: a request line without key_id
                job = call("/v1/tts/synthesize",
                           json.dumps({"text": "Log this.", "voice_id": "flite-slt"}).encode())
                for _ in range(100):
                    if call(f"/v1/tts/job/{job['job_id']}").get("status") in ("done", "failed"):
                        break
                    time.sleep(0.1)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)
        lines = [line for line in err_path.read_text().splitlines() if line.strip()]
    seen = set()
    for line in lines:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            errors.append(f"not a JSON line: {line[:120]}")
            continue
        if not {"time", "level", "message"} <= set(obj):
            errors.append(f"line without time/level/message: {line[:120]}")
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(obj.get("time"))):
            errors.append(f"time not ISO 8601 UTC with ms: {obj.get('time')}")
        for k in set(obj) - documented:
            errors.append(f"log key {k!r} is not in docs/LOGS.md: {line[:160]}")
        seen |= set(obj)
    for k in ("request_id", "job_id", "route", "status", "duration_ms"):
        if k not in seen:
            errors.append(f"no log line carried {k!r} (the check did not exercise it)")
    return errors


ALERT_MUTATIONS = {
    "renamed series": lambda d: d["groups"][0]["rules"][1].update(expr="max(vox_worker_live) < 1"),
    "unknown label": lambda d: d["groups"][0]["rules"][0].update(
        expr='max(vox_queue_jobs{status="backlog"}) > 50'),
    "unbalanced": lambda d: d["groups"][1]["rules"][0].update(
        expr='sum(rate(vox_http_requests_total{status=~"5.."}[5m]) > 0'),
    "no severity": lambda d: d["groups"][0]["rules"][0]["labels"].pop("severity"),
    "no audit alert": lambda d: d["groups"].pop(),
}
DASHBOARD_MUTATIONS = {
    "renamed series": lambda d: d["panels"][3]["targets"][0].update(expr="max by (state) (vox_queue)"),
    "bad grouping": lambda d: d["panels"][0]["targets"][0].update(
        expr="sum by (path) (rate(vox_http_requests_total[5m]))"),
    "no RTF panel": lambda d: d["panels"].pop(5),
}


def main(src, vox=None):
    src = pathlib.Path(src)
    series = vox_names.series_labels(src)
    obs = src / "deploy" / "observability"
    alerts = yaml.safe_load((obs / "alerts.yaml").read_text())
    dash = json.loads((obs / "grafana-dashboard.json").read_text())
    report = Report()
    report.check("alerts.yaml", check_alerts(alerts, series))
    report.check("grafana-dashboard.json", check_dashboard(dash, series))
    report.controls("alerts.yaml ", alerts, ALERT_MUTATIONS, lambda b: check_alerts(b, series))
    report.controls("dashboard ", dash, DASHBOARD_MUTATIONS, lambda b: check_dashboard(b, series))
    if vox:
        documented = documented_log_keys((src / "docs" / "LOGS.md").read_text())
        report.check("vox serve JSON logs match docs/LOGS.md", check_logs(vox, documented))
    return report.finish()

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
