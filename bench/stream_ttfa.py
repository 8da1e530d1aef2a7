#!/usr/bin/env python3
# Time to first audio byte vs total per streaming route, for a long text (234 words).
# Usage: bench/stream_ttfa.py PORT KEY_FILE   (a running `vox serve`; KEY_FILE holds an API key)
import http.client, json, sys, time
port, key = int(sys.argv[1]), open(sys.argv[2]).read().strip()
text = ("The quick brown fox jumps over the lazy dog. Streaming audio starts before the whole text is spoken. "
        "Every stream is recorded as a job with its stages and timings. A client that disconnects stops the synthesis at once. ") * 6
def run(path, body, label):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.monotonic()
    c.request("POST", path, json.dumps(body), {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    r = c.getresponse()
    first = None; n = 0
    while True:
        b = r.read1(65536)
        if not b: break
        if first is None: first = time.monotonic() - t0
        n += len(b)
    total = time.monotonic() - t0
    print(f"{label:28s} status {r.status} first audio {first*1000:7.1f} ms  total {total*1000:7.1f} ms  {n} bytes")
print(f"text: {len(text.split())} words, {len(text)} chars")
for fmt in ["pcm", "mp3", "opus"]:
    run("/v1/tts/stream", {"text": text, "voice_id": "flite-slt", "format": fmt}, f"native /v1/tts/stream {fmt}")
for fmt in ["pcm", "mp3"]:
    run("/v1/audio/speech", {"model": "tts-1", "voice": "alloy", "input": text, "response_format": fmt}, f"openai chunked {fmt}")
    run("/v1/audio/speech", {"model": "tts-1", "voice": "alloy", "input": text, "response_format": fmt, "stream_format": "sse"}, f"openai sse {fmt}")
