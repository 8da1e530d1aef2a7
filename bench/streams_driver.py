#!/usr/bin/env python3
# Driver of bench/streams.sh: time to first audio and total per streaming route
# for a 234-word text, then N concurrent native streams and the gaps between
# the chunks each client receives (p50/p99/max). Prints one JSON object.
# Usage: streams_driver.py PORT KEY [CONCURRENT]
import http.client, json, statistics, sys, threading, time

port, key = int(sys.argv[1]), sys.argv[2]
concurrent = int(sys.argv[3]) if len(sys.argv) > 3 else 16
text = ("The quick brown fox jumps over the lazy dog. Streaming audio starts before the whole "
        "text is spoken. Every stream is recorded as a job with its stages and timings. A client "
        "that disconnects stops the synthesis at once. ") * 6
headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}


def stream(path, body, gaps=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.monotonic()
    c.request("POST", path, json.dumps(body), headers)
    r = c.getresponse()
    first, last, n = None, None, 0
    while True:
        b = r.read1(65536)
        if not b:
            break
        now = time.monotonic()
        if first is None:
            first = now - t0
        elif gaps is not None:
            gaps.append(now - last)
        last = now
        n += len(b)
    return {"status": r.status, "first_audio_ms": round((first or 0) * 1000, 1),
            "total_ms": round((time.monotonic() - t0) * 1000, 1), "bytes": n}


routes = {}
for fmt in ["pcm", "mp3", "opus"]:
    routes[f"native_{fmt}"] = stream("/v1/tts/stream",
                                     {"text": text, "voice_id": "flite-slt", "format": fmt})
for fmt in ["pcm", "mp3"]:
    base = {"model": "tts-1", "voice": "alloy", "input": text, "response_format": fmt}
    routes[f"openai_{fmt}"] = stream("/v1/audio/speech", base)
    routes[f"openai_sse_{fmt}"] = stream("/v1/audio/speech", dict(base, stream_format="sse"))

gaps, results = [], []
lock = threading.Lock()


def client():
    mine = []
    r = stream("/v1/tts/stream", {"text": text, "voice_id": "flite-slt", "format": "pcm"}, mine)
    with lock:
        gaps.extend(mine)
        results.append(r)


threads = [threading.Thread(target=client) for _ in range(concurrent)]
t0 = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.monotonic() - t0
gaps.sort()
pct = lambda p: round(gaps[min(len(gaps) - 1, int(p * len(gaps)))] * 1000, 1) if gaps else None
print(json.dumps({
    "benchmark": "streams", "words": len(text.split()), "routes": routes,
    "concurrent": {"streams": concurrent, "ok": sum(r["status"] == 200 for r in results),
                   "wall_s": round(wall, 2),
                   "first_audio_p50_ms": statistics.median(r["first_audio_ms"] for r in results),
                   "chunk_gap_p50_ms": pct(0.50), "chunk_gap_p99_ms": pct(0.99),
                   "chunk_gap_max_ms": round(gaps[-1] * 1000, 1) if gaps else None}}))
