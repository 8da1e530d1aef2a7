// Node's own clients against `vox serve` over TLS (tests/tls_e2e_test.cc judges the output):
//   node wss_probe.mjs PORT CA_FILE API_KEY
// - node:https GET /healthz, verifying the server against CA_FILE (the self-signed test cert);
// - the pinned `ws` client on wss:// — the ElevenLabs stream-input route, which runs on the
//   HTTP core's upgrade hand-over — sending text in pieces and collecting the audio.
// Prints one JSON object on stdout.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const WebSocket = require(path.join(here, '../services/node_modules/ws'));

const [port, caFile, apiKey] = process.argv.slice(2);
const ca = fs.readFileSync(caFile);

function get(pathname) {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: pathname, ca, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body,
                                    protocol: res.socket.getProtocol ? res.socket.getProtocol() : null }));
    });
    req.on('error', (e) => resolve({ error: String(e.message || e) }));
  });
}

function speak() {
  return new Promise((resolve) => {
    const url = `wss://127.0.0.1:${port}/v1/text-to-speech/flite-slt/stream-input?output_format=pcm_16000`;
    const ws = new WebSocket(url, { ca, headers: { 'xi-api-key': apiKey } });
    const out = { audio_messages: 0, audio_bytes: 0, final: false, close: null, error: null };
    const timer = setTimeout(() => { out.timed_out = true; ws.terminate(); }, 60000);
    ws.on('open', () => {
      ws.send(JSON.stringify({ text: ' ' }));
      ws.send(JSON.stringify({ text: 'Hello over TLS. ' }));
      ws.send(JSON.stringify({ text: 'The socket is encrypted.', flush: true }));
      ws.send(JSON.stringify({ text: '' }));
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.audio) {
        out.audio_messages += 1;
        out.audio_bytes += Buffer.from(m.audio, 'base64').length;
      }
      if (m.isFinal === true) out.final = true;
    });
    ws.on('error', (e) => { out.error = String(e.message || e); });
    ws.on('close', (code) => { out.close = code; clearTimeout(timer); resolve(out); });
  });
}

const result = { healthz: await get('/healthz'), metrics: await get('/metrics'),
                 wss: await speak() };
process.stdout.write(JSON.stringify(result) + '\n');
