"""Offline checks of deploy/k8s: renders each overlay (kustomize_lite, and
`kubectl kustomize` too when installed, which must agree) and checks what a
cluster would only reveal at run time: probes, resources, non-root, read-only
root with a writable /tmp, secrets mounted as files that the `…_FILE`
variables name, selectors and ports that meet, settings and metrics that Vox
really reads and exports. Then broken copies must be rejected.
Usage: check_k8s.py SOURCE_DIR   (exit 0: all good)
"""
import copy
import pathlib
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
sys.path.insert(0, str(pathlib.Path(__file__).parents[2] / "deploy" / "k8s"))
import canary  # noqa: E402  (deploy/k8s/canary.py, what release.sh canary-up applies)
import kustomize_lite  # noqa: E402
import vox_names  # noqa: E402
from report import Report  # noqa: E402

OVERLAYS = ("staging", "production")
# Settings whose value is or carries a secret (a password in a URL, a key): only
# ever through their `…_FILE` variant, never in a ConfigMap or an env value.
SECRET_SETTINGS = {"VOX_DATABASE_URL", "VOX_QUEUE_URL", "VOX_CACHE_URL", "VOX_RATE_LIMIT_URL",
                   "VOX_SIGNING_SECRET", "VOX_JWT_SECRET", "VOX_WATERMARK_KEY",
                   "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def _index(objects):
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def _pod(dep):
    return dep["spec"]["template"]["spec"]


def _labels_match(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_deployment(dep, ctx, errors):
    name = dep["metadata"]["name"]
    where = f"Deployment {name}"
    labels = dep["spec"]["template"]["metadata"].get("labels", {})
    if not _labels_match(dep["spec"].get("selector", {}).get("matchLabels"), labels):
        errors.append(f"{where}: selector does not match the pod labels")
    pod = _pod(dep)
    if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
        errors.append(f"{where}: pod securityContext.runAsNonRoot must be true")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for c in pod["containers"]:
        cw = f"{where} container {c['name']}"
        image = c.get("image", "")
        if "/" not in image or ":" not in image.rsplit("/", 1)[-1]:
            errors.append(f"{cw}: image {image!r} is not a registry path with a tag")
        for probe in ("livenessProbe", "readinessProbe"):
            if probe not in c:
                errors.append(f"{cw}: no {probe}")
        ports = {p.get("name") for p in c.get("ports", [])}
        if "http" in ports:
            for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
                got = c.get(probe, {}).get("httpGet", {})
                if got.get("path") != path or got.get("port") not in ("http", 8080):
                    errors.append(f"{cw}: {probe} must GET {path} on the http port")
        res = c.get("resources", {})
        if not {"cpu", "memory"} <= set(res.get("requests", {})) or "memory" not in res.get(
                "limits", {}):
            errors.append(f"{cw}: needs cpu and memory requests and a memory limit")
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True or sc.get("allowPrivilegeEscalation") is not False:
            errors.append(f"{cw}: needs readOnlyRootFilesystem and no privilege escalation")
        mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
        for m in mounts.values():
            if m["name"] not in volumes:
                errors.append(f"{cw}: mounts unknown volume {m['name']}")
        tmp = mounts.get("/tmp")
        if not tmp or "emptyDir" not in volumes.get(tmp["name"], {}):
            errors.append(f"{cw}: a read-only root needs an emptyDir at /tmp")
        env = {e["name"]: e for e in c.get("env", [])}
        for ref in c.get("envFrom", []):
            cm = ref.get("configMapRef", {}).get("name")
            if cm and ("ConfigMap", cm) not in ctx["objects"]:
                errors.append(f"{cw}: envFrom names missing ConfigMap {cm}")
        for var, e in env.items():
            if not vox_names.env_name_known(var, ctx["env_names"]):
                errors.append(f"{cw}: {var} is not a setting Vox reads")
            if "valueFrom" in e and "secretKeyRef" in e["valueFrom"]:
                errors.append(f"{cw}: {var} takes a secret from the environment; mount it as a file")
            if var in SECRET_SETTINGS:
                errors.append(f"{cw}: {var} is a secret; set {var}_FILE to a mounted secret file")
            if var.endswith("_FILE"):
                check_secret_file(cw, var, e.get("value", ""), mounts, volumes, ctx, errors)
        # Without these a deployment marks with the public development key and stores in clear.
        for var in ("VOX_WATERMARK_KEY_FILE", "VOX_ENCRYPTION_KEY_FILE"):
            if var not in env:
                errors.append(f"{cw}: needs {var} (a secret file)")
        gpu = c.get("resources", {}).get("limits", {}).get("nvidia.com/gpu")
        if gpu and not env.get("VOX_DEVICE", {}).get("value", "").startswith("cuda"):
            errors.append(f"{cw}: asks for a GPU but VOX_DEVICE is not cuda")


def check_secret_file(cw, var, path, mounts, volumes, ctx, errors):
    for mount_path, m in mounts.items():
        secret = volumes.get(m["name"], {}).get("secret")
        if secret and path.startswith(mount_path.rstrip("/") + "/"):
            rel = path[len(mount_path.rstrip("/")) + 1:]
            items = {i["path"]: i["key"] for i in secret.get("items", [])}
            key = items.get(rel, rel if not items else None)
            if key is None:
                errors.append(f"{cw}: {var} names {path}, not an item of its secret volume")
            elif key not in ctx["secret_keys"].get(secret["secretName"], set()):
                errors.append(f"{cw}: {var} reads key {key!r}, absent from "
                              f"Secret {secret['secretName']} (deploy/k8s/secret.example.yaml)")
            return
    errors.append(f"{cw}: {var}={path} is not under a mounted secret volume")


def _deployment_for(selector, objects):
    return [o for o in objects.values()
            if o["kind"] == "Deployment" and _labels_match(selector, o["spec"]["template"]["metadata"]["labels"])]


def check_objects(objects, ctx, errors):
    by_target = {}
    for o in objects.values():
        kind, name = o["kind"], o["metadata"]["name"]
        if kind == "Deployment":
            check_deployment(o, ctx, errors)
        elif kind == "ConfigMap":
            for var in o.get("data", {}):
                if not vox_names.env_name_known(var, ctx["env_names"]):
                    errors.append(f"ConfigMap {name}: {var} is not a setting Vox reads")
                if var in SECRET_SETTINGS:
                    errors.append(f"ConfigMap {name}: {var} is a secret; mount it as a file "
                                  f"through {var}_FILE")
        elif kind == "Service":
            deps = _deployment_for(o["spec"].get("selector"), objects)
            if not deps:
                errors.append(f"Service {name}: selector matches no Deployment")
            for p in o["spec"]["ports"]:
                for d in deps:
                    names = {(cp.get("name"), cp["containerPort"]) for c in _pod(d)["containers"]
                             for cp in c.get("ports", [])}
                    if not any(p["targetPort"] in pair for pair in names):
                        errors.append(f"Service {name}: targetPort {p['targetPort']} is no port "
                                      f"of Deployment {d['metadata']['name']}")
        elif kind == "Ingress":
            tls_hosts = {h for t in o["spec"].get("tls", []) for h in t.get("hosts", [])
                         if t.get("secretName")}
            for rule in o["spec"].get("rules", []):
                if rule.get("host") not in tls_hosts:
                    errors.append(f"Ingress {name}: host {rule.get('host')} has no TLS")
                for path in rule["http"]["paths"]:
                    svc = path["backend"]["service"]
                    target = objects.get(("Service", svc["name"]))
                    if not target or svc["port"].get("name") not in {
                            p.get("name") for p in target["spec"]["ports"]}:
                        errors.append(f"Ingress {name}: backend {svc} is not a Service port")
        elif kind == "PodDisruptionBudget":
            if not _deployment_for(o["spec"]["selector"].get("matchLabels"), objects):
                errors.append(f"PodDisruptionBudget {name}: selector matches no Deployment")
        elif kind in ("HorizontalPodAutoscaler", "ScaledObject"):
            target = o["spec"]["scaleTargetRef"]["name"]
            if ("Deployment", target) not in objects:
                errors.append(f"{kind} {name}: scales missing Deployment {target}")
            by_target.setdefault(target, []).append(kind)
            for trig in o["spec"].get("triggers", []):
                query = trig.get("metadata", {}).get("query", "")
                for metric in vox_names.metric_names_in(query) - ctx["series"]:
                    errors.append(f"ScaledObject {name}: {metric} is not a metric Vox exports")
    for target, kinds in by_target.items():
        if len(kinds) > 1:
            errors.append(f"Deployment {target} has two autoscalers: {kinds}")


def check_canary(objects, ctx, errors):
    """release.sh canary-up's Deployments: one pod each, their own track, still sound and
    still behind the API's Service."""
    canaries = canary.canary(copy.deepcopy(objects))
    names = sorted(d["metadata"]["name"] for d in canaries)
    if names != sorted(f"{n}-canary" for n in canary.CANARIED):
        errors.append(f"canary: got {names}, wants one of each of {canary.CANARIED}")
    for d in canaries:
        where = f"canary {d['metadata']['name']}"
        if d["spec"].get("replicas") != 1:
            errors.append(f"{where}: wants exactly one replica")
        if d["spec"]["selector"]["matchLabels"].get("app.kubernetes.io/track") != "canary":
            errors.append(f"{where}: its selector does not pick the canary track")
        check_deployment(d, ctx, errors)
        api = d["metadata"]["name"] == "vox-api-canary"
        if api and not any(o["kind"] == "Service" and _labels_match(
                o["spec"].get("selector"), d["spec"]["template"]["metadata"]["labels"])
                for o in objects):
            errors.append(f"{where}: no Service sends it requests")


def check_overlay(name, objects, ctx):
    errors = []
    index = _index(objects)
    ctx = dict(ctx, objects=index)
    check_objects(index, ctx, errors)
    check_canary(objects, ctx, errors)
    kinds = {k for k, _ in index}
    for needed in ("Deployment", "Service", "Ingress", "ConfigMap", "PodDisruptionBudget",
                   "HorizontalPodAutoscaler", "ScaledObject"):
        if needed not in kinds:
            errors.append(f"overlay {name}: no {needed}")
    if name == "production" and not any(
            c.get("resources", {}).get("limits", {}).get("nvidia.com/gpu")
            for o in index.values() if o["kind"] == "Deployment" for c in _pod(o)["containers"]):
        errors.append("overlay production: no GPU worker")
    if any(o["metadata"].get("namespace") != f"vox-{name}" for o in index.values()):
        errors.append(f"overlay {name}: every object belongs in namespace vox-{name}")
    return errors


def _canonical(objects):
    return sorted((yaml.safe_dump(o, sort_keys=True) for o in objects))


def render_both(overlay):
    objects = kustomize_lite.render(overlay)
    if shutil.which("kubectl"):
        out = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True,
                             text=True, check=True).stdout
        real = [d for d in yaml.safe_load_all(out) if d]
        if _canonical(real) != _canonical(objects):
            raise kustomize_lite.KustomizeError(
                f"{overlay}: kustomize_lite disagrees with kubectl kustomize")
    return objects


# Negative controls: each edit of a rendered overlay must be caught.
def _dep(objs, name):
    return next(o for o in objs if o["kind"] == "Deployment" and o["metadata"]["name"] == name)


def _env(objs, dep, var):
    return next(e for e in _pod(_dep(objs, dep))["containers"][0]["env"] if e["name"] == var)


MUTATIONS = {
    "no readiness probe": lambda o: _pod(_dep(o, "vox-api"))["containers"][0].pop("readinessProbe"),
    "liveness on /readyz": lambda o: _pod(_dep(o, "vox-api"))["containers"][0]["livenessProbe"]
    ["httpGet"].update(path="/readyz"),
    "runs as root": lambda o: _pod(_dep(o, "vox-worker"))["securityContext"].update(runAsNonRoot=False),
    "writable root": lambda o: _pod(_dep(o, "vox-worker"))["containers"][0]["securityContext"]
    .update(readOnlyRootFilesystem=False),
    "no resources": lambda o: _pod(_dep(o, "vox-worker"))["containers"][0].pop("resources"),
    "unknown setting": lambda o: _env(o, "vox-api", "VOX_LISTEN").update(name="VOX_LISTN"),
    "secret file not mounted": lambda o: _env(o, "vox-api", "VOX_SIGNING_SECRET_FILE")
    .update(value="/etc/vox/signing-secret"),
    "service selector": lambda o: next(x for x in o if x["kind"] == "Service")["spec"]["selector"]
    .update({"app.kubernetes.io/component": "apii"}),
    "service port": lambda o: next(x for x in o if x["kind"] == "Service")["spec"]["ports"][0]
    .update(targetPort="web"),
    "scaler metric": lambda o: next(x for x in o if x["kind"] == "ScaledObject")["spec"]["triggers"][0]
    ["metadata"].update(query='max(vox_queue_backlog)'),
    "untagged image": lambda o: _pod(_dep(o, "vox-api"))["containers"][0].update(image="vox"),
    "no worker to canary": lambda o: _dep(o, "vox-worker")["metadata"].update(name="vox-workers"),
    "service picks the track": lambda o: next(x for x in o if x["kind"] == "Service")["spec"]
    ["selector"].update({"app.kubernetes.io/track": "stable"}),
    "queue URL in the ConfigMap": lambda o: next(x for x in o if x["kind"] == "ConfigMap")["data"]
    .update(VOX_QUEUE_URL="redis://:pw@redis:6379/0"),
    "database URL as an env value": lambda o: _env(o, "vox-worker", "VOX_DATABASE_URL_FILE")
    .update(name="VOX_DATABASE_URL", value="postgresql://vox:pw@db/vox"),
}


def main(src):
    src = pathlib.Path(src)
    k8s = src / "deploy" / "k8s"
    example = kustomize_lite._load_docs(k8s / "secret.example.yaml")[0]
    ctx = {
        "env_names": vox_names.env_names(src),
        "series": vox_names.series_names(src),
        "secret_keys": {example["metadata"]["name"]: set(example["stringData"])},
    }
    report = Report()
    for name in OVERLAYS:
        try:
            objects = render_both(k8s / "overlays" / name)
        except (kustomize_lite.KustomizeError, subprocess.CalledProcessError) as e:
            report.check(f"overlay {name}", [str(e)])
            continue
        report.check(f"overlay {name}: {len(objects)} objects", check_overlay(name, objects, ctx))
        report.controls(f"overlay {name} ", objects, MUTATIONS,
                        lambda broken: check_overlay(name, broken, ctx))
    return report.finish()

if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2]))
