#!/usr/bin/env bash
# Installs every Debian package Vox's build, tests and benchmarks need.
# Idempotent: packages already present are skipped, so a second run is fast.
set -euo pipefail

packages=(
  # toolchain and test frameworks
  build-essential cmake pkg-config git curl ca-certificates
  # a faster linker (CMakeLists.txt uses it when present)
  mold
  libgtest-dev libgmock-dev libbenchmark-dev
  # common
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libabsl-dev
  libssl-dev libsodium-dev
  # audio and engines
  libsndfile1-dev libsoxr-dev libebur128-dev libmpg123-dev libvorbis-dev
  libflite1 flite1-dev libespeak-ng-dev espeak-ng-data
  # Piper phonemes: NFD and Unicode properties (ICU)
  libicu-dev
  # server and storage
  libboost-dev libsqlite3-dev libcurl4-openssl-dev libexpat1-dev libarchive-dev
  # PostgreSQL store: the client library, and the server its tests start on loopback
  libpq-dev postgresql
  # Redis Streams queue: the client library, and the server its tests start on loopback
  libhiredis-dev redis-server
  # tests and benchmarks: reference engines, an ASR nobody here wrote, load tools
  flite espeak-ng pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev
  sox wrk nginx-light procps jq
  # TLS tests and bench: certificates made at test time and an independent TLS client
  openssl
  # backup tests: the sqlite3 shell compares restored tables row for row
  sqlite3
  # S3 tests: an independent S3 client to cross-check against
  awscli
  # deploy test: validates deploy/compose.yaml offline (no Docker engine needed)
  docker-compose python3-yaml
  # voice: FFT (BSD kissfft); Festival voices as extra test speakers for the embedding evaluation
  libkissfft-dev festival festvox-us-slt-hts festvox-kdlpc16k
  # uploads: WebM/MP4 decoding (only the demuxers and decoders whitelisted in
  # src/audio/ffmpeg_decoder.h run) and WebRTC voice activity detection
  libavformat-dev libavcodec-dev libavutil-dev libwebrtc-audio-processing-dev
  # e2e tests upload speech as browsers (WebM/Opus) and phones (M4A/AAC) record it
  ffmpeg
  # neural voices (src/onnx): ONNX graphs run on LibTorch's ATen kernels, loaded and checked
  # with libonnx; OpenBLAS because libtorch_cpu calls libblas.so.3, which is otherwise the
  # reference BLAS (about 30x slower matrix products); Debian's PyTorch and ONNX in Python
  # generate the random-weight Piper test voices and their reference audio (tools/piper_gen)
  libtorch-dev libonnx-dev libopenblas0-pthread python3-torch python3-onnx python3-numpy
  # bounded libFuzzer runs in the suite (tests/fuzz): clang 16 with libc++ and its runtimes
  clang-16 libc++-16-dev libc++abi-16-dev libclang-rt-16-dev
  # the web playground's browser test (tests/web): headless, driven by playwright-core
  chromium
)
# Node.js runs the S3 test server (s3rver, from npm). Debian's nodejs/npm unless
# a node with npm is already installed (NodeSource's nodejs conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the test services, pinned by tests/services/package-lock.json.
bash "$(dirname "$0")/../tests/services/install.sh"
