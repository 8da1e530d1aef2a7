#!/usr/bin/env bash
# Runs the whole suite through CTest. Test services (if any) are started by
# the tests themselves on loopback ports and temporary directories.
set -euo pipefail
build_dir=${1:-build}
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" --timeout 600
