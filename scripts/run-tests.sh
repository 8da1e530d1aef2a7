#!/usr/bin/env bash
# Runs the whole suite through CTest. Test services (if any) are started by
# the tests themselves on loopback ports and temporary directories.
set -euo pipefail
build_dir=${1:-build}
cd "$build_dir"
# More tests than cores run at once: LibTorch's OpenMP threads must sleep, not spin, while
# they wait (deploy/docker/Dockerfile, DECISIONS #93).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# One more job than cores: many e2e tests wait on servers and sockets (measured on 2 cores:
# 1.72 of 2 cores busy at -j2).
ctest --output-on-failure -j "$(($(nproc) + 1))" --timeout 600
