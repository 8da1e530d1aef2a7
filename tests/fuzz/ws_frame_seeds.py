#!/usr/bin/env python3
"""Seeds for api_fuzz_ws_frames (src/api/elevenlabs/ws_frames_fuzz.cc): what a client sends
after the WebSocket handshake of the stream-input route, as RFC 6455 frames. Byte 0 of
each file is the fuzz target's read size control.
    ws_frame_seeds.py OUT_DIR
"""
import os
import struct
import sys

MASK = b"\x37\xfa\x21\x3d"


def frame(opcode, payload, fin=True, masked=True, rsv=0):
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        head += bytes([mask_bit | n])
    elif n < 65536:
        head += bytes([mask_bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", n)
    if not masked:
        return head + payload
    return head + MASK + bytes(b ^ MASK[i % 4] for i, b in enumerate(payload))


TEXT, BINARY, CONT, CLOSE, PING, PONG = 1, 2, 0, 8, 9, 10
FIRST = b'{"text":" ","voice_settings":{"speed":1.1},"xi_api_key":"k"}'
SEEDS = {
    # A whole session: settings, text, a flush, the end, a close.
    "session": frame(TEXT, FIRST) + frame(TEXT, b'{"text":"Hello there. "}')
    + frame(TEXT, b'{"text":"More","flush":true}') + frame(TEXT, b'{"text":""}')
    + frame(CLOSE, struct.pack("!H", 1000) + b"bye"),
    # One message in three fragments, a ping between them.
    "fragmented": frame(TEXT, FIRST[:10], fin=False) + frame(PING, b"p")
    + frame(CONT, FIRST[10:30], fin=False) + frame(CONT, FIRST[30:]),
    "schedule": frame(TEXT, b'{"text":" ","generation_config":{"chunk_length_schedule":[50,120]}}'),
    "binary": frame(BINARY, FIRST),
    "unmasked": frame(TEXT, FIRST, masked=False),
    "rsv_bits": frame(TEXT, FIRST, rsv=0x40),
    "long_length": frame(TEXT, b'{"text":"' + b"a" * 300 + b'"}'),
    "over_limit": frame(TEXT, b'{"text":"' + b"b" * 1100 + b'"}'),
    "bad_utf8": frame(TEXT, b'{"text":"\xff\xfe"}'),
    "pong_close_code": frame(PONG, b"") + frame(CLOSE, struct.pack("!H", 1002)),
    "close_bad_code": frame(CLOSE, struct.pack("!H", 999)),
    "ping_too_long": frame(PING, b"x" * 126),
}


def main(out):
    os.makedirs(out, exist_ok=True)
    for i, (name, data) in enumerate(sorted(SEEDS.items())):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([i * 5 % 32]) + data)


if __name__ == "__main__":
    main(sys.argv[1])
