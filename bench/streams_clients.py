# Clients of bench/streams_driver.py, one per kind of streaming route, each timing one
# synthesis on loopback: the HTTP routes (native, OpenAI chunked and SSE, ElevenLabs' HTTP
# stream), Wyoming (stdlib socket) and ElevenLabs' WebSocket (node and the tests' `ws`,
# bench/streams_ws.mjs). Each returns {"first_audio_ms","total_ms","bytes",...}; every wait is
# bounded by TIMEOUT_S.
import http.client, json, os, socket, subprocess, time

TIMEOUT_S = 120
HERE = os.path.dirname(os.path.abspath(__file__))


def ms(seconds):
    return round(seconds * 1000, 2)


def http_stream(port, path, body, headers, gaps=None):
    """POST `body` and read the streamed answer. The clock starts before the connection is
    made (a client's first request pays it too); first audio is the first body bytes."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
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
    total = time.monotonic() - t0
    c.close()
    return {"status": r.status, "cache": r.getheader("X-Vox-Cache"),
            "first_audio_ms": ms(first) if first is not None else None,
            "total_ms": ms(total), "bytes": n}


def _read_event(f):
    line = f.readline()
    if not line:
        raise ConnectionError("wyoming: connection closed")
    event = json.loads(line)
    data = f.read(event.get("data_length", 0))
    if data:
        event.setdefault("data", {}).update(json.loads(data))
    event["payload"] = f.read(event.get("payload_length", 0))
    return event


def wyoming_synthesize(port, text, voice):
    """One `synthesize` on a connection opened beforehand (Home Assistant keeps one per
    request): the clock runs from sending the event to the first `audio-chunk`, and on to
    `audio-stop`."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        f = s.makefile("rb")
        data = json.dumps({"text": text, "voice": {"name": voice}}).encode()
        header = json.dumps({"type": "synthesize", "data_length": len(data)}).encode()
        t0 = time.monotonic()
        s.sendall(header + b"\n" + data)
        first, n = None, 0
        while True:
            event = _read_event(f)
            if event["type"] == "audio-chunk":
                first = first if first is not None else time.monotonic() - t0
                n += len(event["payload"])
            elif event["type"] == "error":
                raise RuntimeError("wyoming: " + json.dumps(event.get("data")))
            elif event["type"] == "audio-stop":
                break
        return {"first_audio_ms": ms(first) if first is not None else None,
                "total_ms": ms(time.monotonic() - t0), "bytes": n}


def ws_sessions(port, key, voice, output_format, texts):
    """ElevenLabs' stream-input, one session per text (bench/streams_ws.mjs times them)."""
    out = subprocess.run(["node", os.path.join(HERE, "streams_ws.mjs"), str(port), key, voice,
                          output_format], input=json.dumps(texts), capture_output=True,
                         text=True, timeout=TIMEOUT_S * (len(texts) + 1), check=True)
    results = json.loads(out.stdout)
    for r in results:
        if r.get("error") or not r["final"]:
            raise RuntimeError("stream-input: " + json.dumps(r))
        r["first_audio_ms"] = round(r["first_audio_ms"], 2)
        r["total_ms"] = round(r["total_ms"], 2)
    return results
