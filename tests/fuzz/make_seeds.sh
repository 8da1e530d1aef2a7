#!/usr/bin/env bash
# Regenerates the committed audio seed corpus of the fuzz test: one tiny valid
# file per container and codec Decode() accepts (0.1 s, so the fuzzer runs
# thousands of mutants a second). Needs the ffmpeg CLI; rerun only to change them.
set -euo pipefail
out="$(dirname "$0")/corpus/audio"
mkdir -p "$out"
ff() { ffmpeg -hide_banner -loglevel error -y -bitexact "$@"; }
tone="sine=frequency=440:sample_rate=16000:duration=0.1"
ff -f lavfi -i "$tone" -c:a pcm_s16le "$out/tone.wav"
ff -f lavfi -i "$tone" -c:a pcm_f32le "$out/tone_float.wav"
ff -f lavfi -i "$tone" -c:a pcm_s16be "$out/tone.aiff"
# sox: ffmpeg pads FLAC headers with 8 KB, over the fuzzer's -max_len.
sox -D -n -r 16000 -b 16 -c 1 "$out/tone.flac" synth 0.1 sine 440
ff -f lavfi -i "$tone" -c:a libmp3lame -b:a 32k "$out/tone.mp3"
ff -f lavfi -i "$tone" -c:a libopus -b:a 16k "$out/tone_opus.ogg"
ff -f lavfi -i "$tone" -c:a libvorbis -q:a 0 "$out/tone_vorbis.ogg"
ff -f lavfi -i "$tone" -c:a libopus -b:a 16k "$out/tone_opus.webm"
ff -f lavfi -i "$tone" -c:a libopus -b:a 16k -f webm pipe:1 > "$out/tone_opus_live.webm"
ff -f lavfi -i "$tone" -ac 2 -c:a libvorbis -q:a 0 "$out/tone_vorbis.webm"
ff -f lavfi -i "$tone" -c:a aac -b:a 24k -movflags +faststart "$out/tone_aac.m4a"
ff -f lavfi -i "$tone" -c:a aac -b:a 24k "$out/tone_aac_moov_last.m4a"
ff -f lavfi -i "$tone" -c:a aac -b:a 24k "$out/tone_aac.mkv"
