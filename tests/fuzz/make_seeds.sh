#!/usr/bin/env bash
# Regenerates the committed seed corpora of the fuzz test; rerun only to change them.
#   make_seeds.sh [all|audio|multipart|jwt|ws_frames]
# audio: one tiny valid file per container and codec Decode() accepts (0.1 s, so
#   the fuzzer runs thousands of mutants a second). Needs the ffmpeg and sox CLIs.
# multipart: valid multipart/form-data inputs for http_fuzz_multipart, each
#   "Content-Type line\n" + body (see src/http/multipart_fuzz.cc). Needs nothing.
# jwt: tokens signed with the fixed test keys of src/api/jwt_fuzz_keys.h, refusals (alg none,
#   algorithm confusion, crit) and key sets, written by the fuzz binary itself (it signs them
#   at start-up): needs the clang fuzz build (FUZZ_BUILD, default build/fuzz-clang).
# ws_frames: WebSocket frames a stream-input client sends (ws_frame_seeds.py). Needs python3.
set -euo pipefail
what=${1:-all}
here="$(dirname "$0")"

if [ "$what" = jwt ]; then  # not in "all": it needs the fuzz build
  out="$here/corpus/jwt"
  mkdir -p "$out"
  VOX_FUZZ_WRITE_SEEDS="$out" "${FUZZ_BUILD:-$here/../../build/fuzz-clang}/src/api/api_fuzz_jwt" \
    -runs=0 >/dev/null 2>&1
fi

if [ "$what" = all ] || [ "$what" = ws_frames ]; then
  python3 "$here/ws_frame_seeds.py" "$here/corpus/ws_frames"
fi

if [ "$what" = all ] || [ "$what" = multipart ]; then
  out="$here/corpus/multipart"
  mkdir -p "$out"
  # seed NAME CONTENT_TYPE BODY: BODY is printf %b text (\r\n, \x00 ...); no Content-Type
  # line when CONTENT_TYPE is empty.
  seed() {
    { [ -z "$2" ] || printf '%s\n' "$2"; printf '%b' "$3"; } >"$out/$1"
  }
  ct="multipart/form-data; boundary="
  # Two text fields, as a browser sends them.
  seed text_fields "${ct}----WebKitFormBoundary7MA4YWxkTrZu0gW" \
'------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name="name"\r\n\r\nJane\r\n'\
'------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name="labels"\r\n\r\nwarm, calm\r\n'\
'------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n'
  # The voice upload of POST /v1/voice/create as curl -F sends it: fields and two files.
  seed voice_create "${ct}------------------------8949b546deebd328" \
'--------------------------8949b546deebd328\r\nContent-Disposition: form-data; name="name"\r\n\r\nMy voice\r\n'\
'--------------------------8949b546deebd328\r\nContent-Disposition: form-data; name="consent"\r\n\r\ntrue\r\n'\
'--------------------------8949b546deebd328\r\nContent-Disposition: form-data; name="files[]"; filename="take 1.wav"\r\n'\
'Content-Type: audio/wav\r\n\r\nRIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80>\x00\x00\x00}\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00\r\n'\
'--------------------------8949b546deebd328\r\nContent-Disposition: form-data; name="files[]"; filename="take2.webm"\r\n'\
'Content-Type: audio/webm\r\n\r\n\x1aE\xdf\xa3\r\n\xff\x00--\r\n'\
'--------------------------8949b546deebd328--\r\n'
  # Quoted and escaped names: browser percent escapes, Go/old-curl backslashes, a kept
  # backslash, an unquoted name, an empty filename (no file chosen), folded header lines.
  seed escaped_names "${ct}\"x y:z\"" \
'--x y:z\r\nContent-Disposition: form-data; name="a%22b%0D%0Ac"; filename="my %22take%22.wav"\r\n'\
'Content-Type: application/octet-stream\r\n\r\n\x00\x01\x02\r\n'\
'--x y:z\r\ncontent-disposition: form-data; name="q\\"u\\\\o"; filename="C:\\dir\\a\\b.wav"\r\n\r\nv\r\n'\
'--x y:z\r\nCONTENT-DISPOSITION: Form-Data ;name=plain;filename=""\r\n\r\n\r\n'\
'--x y:z\r\nContent-Disposition: form-data;\r\n\tname="folded"\r\nContent-Transfer-Encoding: binary\r\nX-Other: 1\r\n\r\nf\r\n'\
'--x y:z--'
  # Preamble and epilogue, transport padding after a delimiter, an empty content.
  seed preamble_epilogue "${ct}b; charset=utf-8" \
'This is the preamble.\r\n--bb is not a delimiter here\r\n--b \t\r\nContent-Disposition: form-data; name="x"\r\n\r\n\r\n'\
'--b\r\nContent-Disposition: form-data; name=""\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nlast\r\n'\
'--b--  \r\nThis is the epilogue.\r\n--b\r\n'
  # Contents that look like delimiters: boundaries that are prefixes of each other, a nested
  # multipart body, "--b" not at a line start, a bare LF, and the close marker inside a line.
  seed nested_boundaries "${ct}ab" \
'--ab\r\nContent-Disposition: form-data; name="outer"\r\nContent-Type: multipart/mixed; boundary=abc\r\n\r\n'\
'--abc\r\nContent-Type: text/plain\r\n\r\ninner\r\n--abc--\r\n--ab-x\r\nx--ab\r\n\n--ab\r\n--abab\r\n\r\n'\
'--ab\r\nContent-Disposition: form-data; name="second"\r\n\r\n--ab\r--ab\n--a\r\n'\
'--ab--'
  # No Content-Type line: the whole input is a body under boundary "b".
  seed default_boundary "" \
'--b\r\nContent-Disposition: form-data; name="f"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'\
'\r\n--b-\r\n--c\r\n\r\n\x00\x01--b\r\r\n--b--\r\n'
  # An empty form and the most parts the fuzz target allows (8).
  seed empty_form "${ct}e" '--e--\r\n'
  seed many_parts "${ct}m" \
"$(for i in 1 2 3 4 5 6 7 8; do printf -- '--m\\r\\nContent-Disposition: form-data; name="p%s"\\r\\n\\r\\n%s\\r\\n' $i $i; done)--m--\r\n"
fi

[ "$what" = all ] || [ "$what" = audio ] || exit 0
out="$here/corpus/audio"
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
