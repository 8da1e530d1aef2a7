#!/usr/bin/env python3
"""The canary of a release, for release.sh canary-up: reads a rendered overlay (YAML on
stdin) and prints its stable API and worker Deployments renamed `…-canary`, one replica
each, with their own track label. The Service, which ignores the track, sends the API
canary about 1/(N+1) of the requests; the worker canary takes about 1/(M+1) of the jobs
from the shared queue, so a release's synthesis is judged too, not only its routes.
"""
import sys

import yaml

CANARIED = ("vox-api", "vox-worker")


def canary(docs):
    out = []
    for doc in docs:
        if not doc or doc.get("kind") != "Deployment" or doc["metadata"]["name"] not in CANARIED:
            continue
        doc["metadata"]["name"] += "-canary"
        doc["spec"]["replicas"] = 1
        for labels in (doc["spec"]["selector"]["matchLabels"],
                       doc["spec"]["template"]["metadata"]["labels"]):
            labels["app.kubernetes.io/track"] = "canary"
        out.append(doc)
    return out


if __name__ == "__main__":
    docs = canary(yaml.safe_load_all(sys.stdin))
    if len(docs) != len(CANARIED):
        sys.exit(f"canary.py: the overlay lacks one of {', '.join(CANARIED)}")
    print(yaml.safe_dump_all(docs), end="")
