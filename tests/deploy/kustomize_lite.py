"""Renders a kustomization with only the features deploy/k8s uses, so the
manifests are checked on a machine without kubectl (Debian 12's
kubernetes-client bundles a 2019 kustomize that predates `patches`).

Supported: resources (files, and folders holding a kustomization), namespace,
images (newName/newTag), replicas, and patches (strategic merge: maps merge,
lists of named items merge by name, other lists are replaced). Anything else
in a kustomization is an error, so a new feature cannot be silently ignored.
When kubectl is installed, check_k8s.py also compares this with `kubectl kustomize`.
"""
import copy
import pathlib

import yaml

_KNOWN_KEYS = {"apiVersion", "kind", "resources", "namespace", "images", "replicas", "patches"}


class KustomizeError(Exception):
    pass


def _load_docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def _merge(base, patch):
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = _merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        out = [copy.deepcopy(item) for item in base]
        for item in patch:
            match = next((i for i, b in enumerate(out) if b["name"] == item["name"]), None)
            if match is None:
                out.append(copy.deepcopy(item))
            else:
                out[match] = _merge(out[match], item)
        return out
    return copy.deepcopy(patch)


def _named(items):
    return all(isinstance(i, dict) and "name" in i for i in items)


def _pod_containers(obj):
    spec = obj.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("containers", []) + spec.get("initContainers", [])


def render(directory):
    directory = pathlib.Path(directory)
    kfile = directory / "kustomization.yaml"
    if not kfile.is_file():
        raise KustomizeError(f"{directory}: no kustomization.yaml")
    k = _load_docs(kfile)[0]
    unknown = set(k) - _KNOWN_KEYS
    if unknown:
        raise KustomizeError(f"{kfile}: unsupported fields {sorted(unknown)}")
    objects = []
    for res in k.get("resources", []):
        path = directory / res
        objects += render(path) if path.is_dir() else _load_docs(path)
    for p in k.get("patches", []):
        if set(p) != {"path"}:
            raise KustomizeError(f"{kfile}: only `patches: - path:` is supported")
        for patch in _load_docs(directory / p["path"]):
            key = (patch["kind"], patch["metadata"]["name"])
            hits = [i for i, o in enumerate(objects) if (o["kind"], o["metadata"]["name"]) == key]
            if len(hits) != 1:
                raise KustomizeError(f"{kfile}: patch {p['path']} matches {len(hits)} objects")
            objects[hits[0]] = _merge(objects[hits[0]], patch)
    for r in k.get("replicas", []):
        hits = [o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == r["name"]]
        if not hits:
            raise KustomizeError(f"{kfile}: replicas for unknown Deployment {r['name']}")
        for o in hits:
            o["spec"]["replicas"] = r["count"]
    for image in k.get("images", []):
        for o in objects:
            for c in _pod_containers(o):
                if c.get("image", "").split(":")[0] == image["name"]:
                    c["image"] = f"{image.get('newName', image['name'])}:{image.get('newTag', 'latest')}"
    if "namespace" in k:
        for o in objects:
            o["metadata"]["namespace"] = k["namespace"]
    return objects
