#!/usr/bin/env python3
"""Offline structural checks of deploy/: the Dockerfiles, the resolved compose
file, and (given a built `vox`) that the runtime image installs every shared
library the binary is linked against. No Docker engine runs here, so this is
what stands between a typo and a broken `docker compose up`.

  check_deploy.py dockerfile FILE [--cpu]
  check_deploy.py compose RESOLVED_YAML RAW_YAML
  check_deploy.py runtime-libs DOCKERFILE BINARY...   (vox and its neural runtime plugin)
Exit status 1 with one line per problem; 0 when clean.
"""
import os
import re
import shlex
import subprocess
import sys

import yaml

problems = []


def fail(msg):
    problems.append(msg)


# ---- Dockerfiles -------------------------------------------------------------

def parse_dockerfile(path):
    """[(INSTRUCTION, args)] with continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in open(path, encoding="utf-8"):
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        word, _, args = current.partition(" ")
        instructions.append((word.upper(), args.strip()))
        current = ""
    if current:
        fail(f"{path}: ends inside a continued instruction")
    return instructions


def stages_of(instructions):
    stages = []
    for word, args in instructions:
        if word == "FROM":
            m = re.match(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$", args, re.I)
            stages.append({"image": m.group(1) if m else args,
                           "name": m.group(2) if m else None, "ins": []})
        elif stages:
            stages[-1]["ins"].append((word, args))
        elif word not in ("ARG",):
            fail(f"{word} before the first FROM")
    return stages


def check_dockerfile(path, cpu):
    stages = stages_of(parse_dockerfile(path))
    if len(stages) < 2:
        fail(f"{path}: needs a build stage and a runtime stage, has {len(stages)} FROM")
        return
    build, runtime = stages[0], stages[-1]
    names = {s["name"] for s in stages if s["name"]}
    runs = lambda st: [a for w, a in st["ins"] if w == "RUN"]
    if not any(re.search(r"\bscripts/install-deps\.sh\b", r) for r in runs(build)):
        fail(f"{path}: the build stage must install with scripts/install-deps.sh")
    if not any(w == "COPY" and "scripts/install-deps.sh" in a for w, a in build["ins"]):
        fail(f"{path}: the build stage must COPY scripts/install-deps.sh")
    if not any(re.search(r"cmake --build .*--target vox\b", r) for r in runs(build)):
        fail(f"{path}: the build stage must build the vox target")
    if any("install-deps.sh" in r for r in runs(runtime)):
        fail(f"{path}: the runtime stage must not run install-deps.sh (build tools)")
    copies = [a for w, a in runtime["ins"] if w == "COPY"]
    if not any(re.match(r"--from=(\S+)\s.*\bvox\s+/usr/local/bin/vox$", c)
               and re.match(r"--from=(\S+)", c).group(1) in names for c in copies):
        fail(f"{path}: the runtime stage must COPY --from=<build stage> the vox binary")
    users = [a for w, a in runtime["ins"] if w == "USER"]
    if not users:
        fail(f"{path}: the runtime stage sets no USER (would run as root)")
    elif users[-1].split(":")[0] in ("root", "0"):
        fail(f"{path}: the runtime stage runs as root (USER {users[-1]})")
    health = [a for w, a in runtime["ins"] if w == "HEALTHCHECK"]
    if not health or "/healthz" not in health[-1]:
        fail(f"{path}: the runtime stage needs a HEALTHCHECK on /healthz")
    if health and "curl" in health[-1] and cpu and "curl" not in " ".join(runs(runtime)):
        fail(f"{path}: HEALTHCHECK uses curl but the runtime stage does not install it")
    if ("ENTRYPOINT", '["vox"]') not in runtime["ins"]:
        fail(f'{path}: the runtime stage needs ENTRYPOINT ["vox"]')
    if ("CMD", '["serve"]') not in runtime["ins"]:
        fail(f'{path}: the runtime stage needs CMD ["serve"]')
    if not any(w == "EXPOSE" and "8080" in a.split() for w, a in runtime["ins"]):
        fail(f"{path}: the runtime stage must EXPOSE 8080")
    volumes = " ".join(a for w, a in runtime["ins"] if w == "VOLUME")
    for v in ("/data", "/models"):
        if f'"{v}"' not in volumes and v not in volumes.split():
            fail(f"{path}: the runtime stage must declare VOLUME {v}")
    if cpu:
        if build["image"] != "debian:12":
            fail(f"{path}: the build stage must be FROM debian:12, is {build['image']}")
        if runtime["image"] != "debian:12-slim":
            fail(f"{path}: the runtime stage must be FROM debian:12-slim, is {runtime['image']}")
        env = " ".join(a for w, a in runtime["ins"] if w == "ENV")
        for setting in ("VOX_LISTEN=0.0.0.0:8080", "VOX_DATA_DIR=/data", "VOX_MODEL_DIR=/models"):
            if setting not in env.split():
                fail(f"{path}: the runtime stage must set ENV {setting}")
        if not runtime_packages(path):
            fail(f"{path}: the runtime stage installs no packages with apt-get")


def runtime_packages(path):
    """Package names of the apt-get install in the last stage."""
    runtime = stages_of(parse_dockerfile(path))[-1]
    packages = set()
    for word, args in runtime["ins"]:
        if word != "RUN":
            continue
        for command in re.split(r"&&|;", args):
            tokens = shlex.split(command)
            if tokens[:2] == ["apt-get", "install"]:
                packages.update(t for t in tokens[2:] if not t.startswith("-"))
    return packages


# ---- runtime libraries of the binary -----------------------------------------

def package_owners(paths):
    """{path: Debian package} for the paths dpkg knows, asked in one call: each `dpkg -S`
    reads the whole file database (seconds on a full machine), so one per library took
    over a minute."""
    owners = {}
    out = subprocess.run(["dpkg", "-S", *sorted(set(paths))], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        packages, sep, path = line.partition(": ")
        if sep and not packages.startswith("diversion"):
            owners[path.strip()] = packages.split(",")[0].split(":")[0].strip()
    return owners


def check_runtime_libs(dockerfile, binaries):
    for binary in binaries:
        check_runtime_libs_of(dockerfile, binary)


def check_runtime_libs_of(dockerfile, binary):
    installed = runtime_packages(dockerfile)
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]",
                        subprocess.run(["readelf", "-d", binary], capture_output=True,
                                       text=True, check=True).stdout)
    resolved = {}
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True).stdout.splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if m:
            resolved[m.group(1)] = m.group(2)
    wanted = {}  # lib -> (resolved path, real path)
    for lib in needed:
        if lib.startswith("ld-linux"):  # the dynamic loader itself (libc6): ldd lists no path
            continue
        path = resolved.get(lib)
        if not path or path == "not":
            fail(f"{binary}: {lib} does not resolve on this machine")
            continue
        wanted[lib] = (path, os.path.realpath(path))
    owners = package_owners([p for pair in wanted.values() for p in pair])
    for lib, (path, real) in wanted.items():
        package = owners.get(real) or owners.get(path)
        if not package:
            fail(f"{lib} ({real}) belongs to no Debian package")
            continue
        if package not in installed:
            fail(f"{dockerfile}: vox needs {lib} from package {package}, "
                 f"which the runtime stage does not install")
    print(f"runtime-libs: {len(needed)} NEEDED libraries of {binary} are all installed"
          if not problems else "runtime-libs: missing packages")


# ---- compose -----------------------------------------------------------------

def check_compose(resolved_path, raw_path):
    config = yaml.safe_load(open(resolved_path))
    raw = yaml.safe_load(open(raw_path))
    services = config.get("services", {})
    for name in ("api", "worker", "postgres", "redis", "minio"):
        if name not in services:
            fail(f"compose: service {name} is missing")
    if problems:
        return
    if services["api"].get("command") != ["api"]:
        fail("compose: api must run `vox api`")
    if services["worker"].get("command") != ["worker"]:
        fail("compose: worker must run `vox worker`")
    if services["worker"].get("deploy", {}).get("replicas") != 2:
        fail("compose: worker must have deploy.replicas: 2")
    if not services["postgres"].get("image", "").startswith("postgres:15"):
        fail("compose: postgres must be postgres:15")
    if not services["redis"].get("image", "").startswith("redis:7"):
        fail("compose: redis must be redis:7")
    if "--appendonly yes" not in " ".join(services["redis"].get("command") or []):
        fail("compose: redis must run with --appendonly yes")

    for name, svc in services.items():
        one_shot = svc.get("restart") == "no"
        test = (svc.get("healthcheck") or {}).get("test")
        if not one_shot and (not test or test == ["NONE"]):
            fail(f"compose: long-running service {name} has no healthcheck")
        for dep, spec in (svc.get("depends_on") or {}).items():
            cond = (spec or {}).get("condition")
            if dep not in services:
                fail(f"compose: {name} depends on unknown service {dep}")
            elif cond == "service_healthy" and not (services[dep].get("healthcheck") or {}).get("test"):
                fail(f"compose: {name} waits for {dep} to be healthy, but {dep} has no healthcheck")
            elif cond not in ("service_healthy", "service_completed_successfully"):
                fail(f"compose: {name} -> {dep} must wait on health, not '{cond}'")
        for port in svc.get("ports") or []:
            text = port if isinstance(port, str) else \
                f"{port.get('host_ip') or '0.0.0.0'}:{port.get('published')}:{port.get('target')}"
            if name != "api" or not str(text).startswith("127.0.0.1:"):
                fail(f"compose: {name} publishes {text}; only api, and only on 127.0.0.1")
    if not services["api"].get("ports"):
        fail("compose: api must publish 127.0.0.1:8080")

    networks = config.get("networks") or {}
    internal = {n for n, spec in networks.items() if (spec or {}).get("internal")}
    if not internal:
        fail("compose: needs an internal network for the services")
    for name in ("postgres", "redis", "minio"):
        nets = set(services[name].get("networks") or {"default"})
        if not nets <= internal:
            fail(f"compose: {name} must be on internal networks only, is on {sorted(nets)}")
        mounts = services[name].get("volumes") or []
        if not any(str(m).split(":")[0] in (config.get("volumes") or {}) for m in mounts):
            fail(f"compose: {name} must keep its data in a named volume")

    env = services["api"].get("environment") or {}
    expect = {"VOX_DATABASE_URL": "postgresql://", "VOX_QUEUE_URL": "redis://",
              "VOX_STORAGE_URL": "s3://"}
    for key, prefix in expect.items():
        if not str(env.get(key, "")).startswith(prefix):
            fail(f"compose: api {key} must start with {prefix}")
    m = re.match(r"s3://([^/?]+)", str(env.get("VOX_STORAGE_URL", "")))
    init = " ".join(str(c) for c in (services.get("minio-init", {}).get("command") or []))
    if m and f"/{m.group(1)}" not in init:
        fail(f"compose: no init job creates the bucket {m.group(1)} of VOX_STORAGE_URL")
    if services["worker"].get("environment", {}).get("VOX_SIGNING_SECRET") != env.get("VOX_SIGNING_SECRET"):
        fail("compose: api and worker must share VOX_SIGNING_SECRET")
    check_compose_key_files(config, services)

    # Secrets come from the .env file: the raw file holds only ${...} references.
    def walk(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                key = str(k)
                if re.search(r"PASSWORD|SECRET|ACCESS_KEY", key) and isinstance(v, str) \
                        and not v.startswith("${"):
                    fail(f"compose: {path}{key} holds a literal secret; use ${{...}} from .env")
                walk(v, f"{path}{key}.")
        elif isinstance(node, list):
            for v in node:
                walk(v, path)
    walk(raw)


# Without these a deployment marks with the public development key and stores in clear
# (as check_k8s.py requires of the Kubernetes manifests).
KEY_FILE_SETTINGS = ("VOX_WATERMARK_KEY_FILE", "VOX_ENCRYPTION_KEY_FILE")


def check_compose_key_files(config, services):
    """api and worker read each key from a file that a Compose secret (`file:`) mounts,
    the same secret for both."""
    defined = config.get("secrets") or {}
    sources = {}
    for name in ("api", "worker"):
        mounted = {}  # path in the container -> secret name
        for ref in services[name].get("secrets") or []:
            source = ref if isinstance(ref, str) else ref.get("source", "")
            target = source if isinstance(ref, str) else ref.get("target") or source
            mounted[target if target.startswith("/") else f"/run/secrets/{target}"] = source
        env = services[name].get("environment") or {}
        for var in KEY_FILE_SETTINGS:
            path = str(env.get(var, ""))
            if not path:
                fail(f"compose: {name} needs {var} (a Compose secret file)")
            elif path not in mounted:
                fail(f"compose: {name} {var}={path} is not a secret it mounts")
            elif "file" not in (defined.get(mounted[path]) or {}):
                fail(f"compose: secret {mounted[path]} ({name} {var}) has no file")
            else:
                sources[(name, var)] = mounted[path]
    for var in KEY_FILE_SETTINGS:
        api, worker = sources.get(("api", var)), sources.get(("worker", var))
        if api and worker and api != worker:
            fail(f"compose: api and worker must read {var} from the same secret")


def main(argv):
    if len(argv) >= 2 and argv[0] == "dockerfile":
        check_dockerfile(argv[1], "--cpu" in argv[2:])
    elif len(argv) == 3 and argv[0] == "compose":
        check_compose(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "runtime-libs":
        check_runtime_libs(argv[1], argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
