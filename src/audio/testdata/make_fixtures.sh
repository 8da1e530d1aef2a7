#!/usr/bin/env bash
# Regenerates the small WebM/MP4 fixtures of ffmpeg_decoder_test.cc and the
# fuzz seeds with the ffmpeg CLI (Debian's ffmpeg 5.1). The files are committed
# so that the tests need only the libraries; rerun this only to change them.
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -y -bitexact "$@"; }
sine() { echo "sine=frequency=$1:sample_rate=$2:duration=$3"; }

# 1 s of 440 Hz, 48 kHz mono, Opus in WebM with a stated segment size (seekable output).
ff -f lavfi -i "$(sine 440 48000 1)" -c:a libopus -b:a 32k sine440_opus.webm
# The same as a browser's MediaRecorder writes it: streamed, segment and cluster sizes unknown.
ff -f lavfi -i "$(sine 1000 48000 1)" -c:a libopus -b:a 32k -f webm pipe:1 > live_opus.webm
# Stereo Vorbis in WebM, 44.1 kHz: 440 Hz left, 880 Hz right (checks the channel order).
ff -f lavfi -i "$(sine 440 44100 1)" -f lavfi -i "$(sine 880 44100 1)" \
  -filter_complex "[0:a][1:a]join=inputs=2:channel_layout=stereo" -c:a libvorbis -q:a 2 \
  stereo_vorbis.webm
# 1 s of 440 Hz, 16 kHz mono AAC-LC in M4A, index first (as phones write it) and last.
ff -f lavfi -i "$(sine 440 16000 1)" -c:a aac -b:a 32k -movflags +faststart sine440_aac.m4a
ff -f lavfi -i "$(sine 440 16000 1)" -c:a aac -b:a 32k sine440_aac_moov_last.m4a
# A codec outside the whitelist inside an accepted container.
ff -f lavfi -i "$(sine 440 8000 0.05)" -c:a pcm_s16le pcm_in.mkv
