// ElevenLabs' WebSocket route for bench/streams_driver.py, with the pinned `ws` client of the
// tests (tests/services/node_modules; Python's standard library has no WebSocket client):
//   node streams_ws.mjs PORT KEY VOICE OUTPUT_FORMAT < texts.json
// For each text of the JSON array on stdin, one session of
// GET /v1/text-to-speech/{VOICE}/stream-input: once the socket is open and the opening
// {"text":" "} sent, the clock starts, the whole text and {"text":""} go out, and the first
// message carrying audio stops the first-audio clock. Prints a JSON array, one
// {"first_audio_ms","total_ms","bytes","final","close"} per text. Every session is bounded.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const WebSocket = require(path.join(here, '../tests/services/node_modules/ws'));
const [port, key, voice, format] = process.argv.slice(2);
const kSessionTimeoutMs = 120000;

function speak(text) {
  return new Promise((resolve) => {
    const url = `ws://127.0.0.1:${port}/v1/text-to-speech/${voice}/stream-input` +
                `?output_format=${format}`;
    const ws = new WebSocket(url, { headers: { 'xi-api-key': key }, maxPayload: 64 << 20 });
    const out = { first_audio_ms: null, total_ms: null, bytes: 0, final: false, close: null };
    let t0 = 0;
    const timer = setTimeout(() => { out.error = 'timed out'; ws.terminate(); }, kSessionTimeoutMs);
    ws.on('open', () => {
      ws.send(JSON.stringify({ text: ' ' }));  // ElevenLabs' opening message
      t0 = performance.now();
      ws.send(JSON.stringify({ text: text + ' ' }));
      ws.send(JSON.stringify({ text: '' }));  // end of input: speak everything
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (typeof m.audio === 'string' && m.audio.length > 0) {
        if (out.first_audio_ms === null) out.first_audio_ms = performance.now() - t0;
        out.bytes += Buffer.from(m.audio, 'base64').length;
      }
      if (m.isFinal === true) out.final = true;
      if (m.error) out.error = m.message || m.error;
    });
    ws.on('error', (e) => { out.error = String(e.message || e); });
    ws.on('close', (code) => {
      out.total_ms = performance.now() - t0;
      out.close = code;
      clearTimeout(timer);
      resolve(out);
    });
  });
}

const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
const results = [];
for (const text of texts) results.push(await speak(text));
console.log(JSON.stringify(results));
