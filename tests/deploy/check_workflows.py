"""Offline checks of .github/workflows (actionlint is not packaged by Debian):
YAML structure GitHub accepts (a trigger, jobs with runs-on and steps that
each `run` or `uses` a pinned action), `needs` that name real jobs without a
cycle, the release order test -> images -> staging -> canary -> production on
a version tag with production behind its environment, CI through .ci/run, every
repository script a step runs present and executable (release.sh subcommands
included), and every secret and variable used documented in the file's header.
Broken copies must be rejected.
Usage: check_workflows.py SOURCE_DIR
"""
import os
import pathlib
import re
import sys

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from report import Report  # noqa: E402

RELEASE_ORDER = ["test", "images", "staging", "canary", "production"]


def triggers(wf):
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    return wf.get("on", wf.get(True))


def check_workflow(name, wf, text, src):
    errors = []
    if not triggers(wf):
        errors.append(f"{name}: no trigger (`on`)")
    jobs = wf.get("jobs") or {}
    if not jobs:
        errors.append(f"{name}: no jobs")
    for jid, job in jobs.items():
        where = f"{name} job {jid}"
        if "runs-on" not in job:
            errors.append(f"{where}: no runs-on")
        needs = job.get("needs", [])
        for n in [needs] if isinstance(needs, str) else needs:
            if n not in jobs:
                errors.append(f"{where}: needs unknown job {n}")
        steps = job.get("steps") or []
        if not steps:
            errors.append(f"{where}: no steps")
        for i, step in enumerate(steps):
            if ("run" in step) == ("uses" in step):
                errors.append(f"{where} step {i}: needs exactly one of run / uses")
            if "uses" in step and not re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"]):
                errors.append(f"{where} step {i}: action {step['uses']} is not pinned to a major")
            for script, sub in re.findall(r"((?:deploy|scripts|bench|\.ci)/[\w./-]+)(?:\s+([\w-]+))?",
                                          step.get("run", "")):
                path = src / script
                if not path.is_file() or not (os.access(path, os.X_OK) or script.startswith(".ci/")):
                    errors.append(f"{where} step {i}: runs {script}, not an executable file here")
                elif script.endswith("release.sh") and sub and \
                        not re.search(rf"^\s+{re.escape(sub)}\)", path.read_text(), re.M):
                    errors.append(f"{where} step {i}: release.sh has no subcommand {sub}")
    header = "\n".join(l for l in text.splitlines() if l.startswith("#"))
    for kind, var in set(re.findall(r"\$\{\{\s*(secrets|vars)\.(\w+)", text)):
        if var != "GITHUB_TOKEN" and var not in header:
            errors.append(f"{name}: {kind}.{var} is used but not documented in the header")
    # A cycle in needs would never start.
    state = {}

    def visit(j):
        if state.get(j) == 1:
            errors.append(f"{name}: needs form a cycle through {j}")
            return
        if state.get(j) == 2 or j not in jobs:
            return
        state[j] = 1
        needs = jobs[j].get("needs", [])
        for n in [needs] if isinstance(needs, str) else needs:
            visit(n)
        state[j] = 2

    for j in jobs:
        visit(j)
    return errors


def check_release(wf):
    errors = []
    tags = (triggers(wf) or {}).get("push", {}).get("tags", [])
    if not tags:
        errors.append("deploy.yaml: must run on pushed tags")
    jobs = wf.get("jobs", {})
    for before, after in zip(RELEASE_ORDER, RELEASE_ORDER[1:]):
        needs = jobs.get(after, {}).get("needs")
        if needs != before and before not in (needs or []):
            errors.append(f"deploy.yaml: {after} must need {before}")
    for j in ("canary", "production"):
        if jobs.get(j, {}).get("environment") != "production":
            errors.append(f"deploy.yaml: {j} must run in the production environment")
    if jobs.get("staging", {}).get("environment") != "staging":
        errors.append("deploy.yaml: staging must run in the staging environment")
    return errors


def check_images(wf, src):
    """Every Dockerfile under deploy/docker is built and pushed by the images job."""
    steps = wf.get("jobs", {}).get("images", {}).get("steps", [])
    built = {s.get("with", {}).get("file") for s in steps
             if s.get("uses", "").startswith("docker/build-push-action@")}
    return [f"deploy.yaml: images does not build {f.relative_to(src)}"
            for f in sorted((src / "deploy" / "docker").glob("Dockerfile*"))
            if str(f.relative_to(src)) not in built]


def overlay_images(src):
    """The registry names the Kubernetes overlays give their images."""
    names = set()
    for k in (src / "deploy" / "k8s" / "overlays").glob("*/kustomization.yaml"):
        for image in yaml.safe_load(k.read_text()).get("images", []):
            names.add(image["newName"])
    return names


def check_release_images(release_text, names):
    """release.sh's render rewrites every image an overlay names, not only `vox`."""
    return [f"release.sh does not set the image {n}" for n in sorted(names)
            if not re.search(rf"^\s+- name: {re.escape(n)}$", release_text, re.M)]


def check_all(workflows, texts, src):
    errors = check_images(workflows.get("deploy.yaml", {}), src)
    for name, wf in workflows.items():
        errors += check_workflow(name, wf, texts[name], src)
    errors += check_release(workflows.get("deploy.yaml", {}))
    ci = workflows.get("ci.yaml", {})
    if not any("bash .ci/run" in s.get("run", "") for j in ci.get("jobs", {}).values()
               for s in j.get("steps", [])):
        errors.append("ci.yaml: no step runs bash .ci/run")
    return errors


MUTATIONS = {
    "unknown need": lambda w: w["deploy.yaml"]["jobs"]["canary"].update(needs="stagin"),
    "production without its environment": lambda w: w["deploy.yaml"]["jobs"]["production"].pop(
        "environment"),
    "missing script": lambda w: w["deploy.yaml"]["jobs"]["staging"]["steps"][2].update(
        run="deploy/k8s/deploy.sh staging"),
    "unknown release.sh step": lambda w: w["deploy.yaml"]["jobs"]["staging"]["steps"][2].update(
        run='deploy/k8s/release.sh rollout staging "$IMAGE"'),
    "step with run and uses": lambda w: w["ci.yaml"]["jobs"]["test"]["steps"][1].update(run="true"),
    "cycle": lambda w: w["deploy.yaml"]["jobs"]["test"].update(needs="production"),
    "CI without .ci/run": lambda w: w["ci.yaml"]["jobs"]["test"]["steps"][2].update(run="make"),
    "GPU image not built": lambda w: w["deploy.yaml"]["jobs"]["images"]["steps"].pop(),
}


def main(src):
    src = pathlib.Path(src)
    texts = {p.name: p.read_text() for p in sorted((src / ".github" / "workflows").glob("*.y*ml"))}
    workflows = {n: yaml.safe_load(t) for n, t in texts.items()}
    report = Report()
    report.check(", ".join(texts), check_all(workflows, texts, src))
    report.controls("", workflows, MUTATIONS, lambda broken: check_all(broken, texts, src))
    release = (src / "deploy" / "k8s" / "release.sh").read_text()
    names = overlay_images(src)
    report.check("release.sh images", check_release_images(release, names))
    gpu_dropped = re.sub(r"^\s+- name: \S+-gpu\n(\s+new\w+: .*\n)+", "", release, flags=re.M)
    report.check("release.sh images rejects: vox-gpu not set",
                 [] if gpu_dropped != release and check_release_images(gpu_dropped, names)
                 else ["a release.sh without the vox-gpu image passed"])
    return report.finish()

if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2]))
