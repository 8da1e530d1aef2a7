// One session of Vox's ElevenLabs WebSocket route, GET /v1/text-to-speech/{voice_id}/
// stream-input, with the pinned `ws` client: opens a socket and collects every message until
// the server closes it (or `timeoutMs`), and a summary for the C++ tests to judge.
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const WebSocket = require(path.join(here, '../services/node_modules/ws'));

export const VOICE = 'flite-slt';

export function session(wsBase, query, { headers = {}, onOpen, onMessage, timeoutMs = 60000 } = {}) {
  return new Promise((resolve) => {
    const url = `${wsBase}/v1/text-to-speech/${VOICE}/stream-input?${query}`;
    const ws = new WebSocket(url, { headers, maxPayload: 64 << 20 });
    const out = { messages: [], audio: [], close: null, http_status: null, error: null };
    const timer = setTimeout(() => { out.timed_out = true; ws.terminate(); }, timeoutMs);
    ws.on('open', () => onOpen && onOpen(ws));
    ws.on('message', (data, isBinary) => {
      const m = isBinary ? { binary: true } : JSON.parse(data.toString());
      out.messages.push(m);
      if (m.audio) out.audio.push(Buffer.from(m.audio, 'base64'));
      if (onMessage) onMessage(ws, m);
    });
    ws.on('unexpected-response', (req, res) => {
      out.http_status = res.statusCode;
      const socket = res.socket;
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        out.http_body = body;
        clearTimeout(timer);
        socket.destroy();  // else it idles in node's keep-alive pool and node does not exit
        resolve(out);
      });
    });
    ws.on('error', (e) => { out.error = String(e.message || e); });
    ws.on('close', (code, reason) => {
      out.close = { code, reason: reason.toString() };
      clearTimeout(timer);
      resolve(out);
    });
  });
}

let lastAt = Date.now();
export function summary(out) {
  const seconds = (Date.now() - lastAt) / 1000;
  lastAt = Date.now();
  const audio = out.messages.filter((m) => typeof m.audio === 'string');
  let chars = '', normalized = '', aligned = true;
  for (const m of audio) {
    for (const a of [m.alignment, m.normalizedAlignment]) {
      if (!a) continue;
      aligned = aligned && a.chars.length === a.charStartTimesMs.length &&
        a.chars.length === a.charDurationsMs.length &&
        a.charStartTimesMs.every((t, i) => t >= 0 && (i === 0 || t >= a.charStartTimesMs[i - 1]));
    }
    if (m.alignment) chars += m.alignment.chars.join('');
    if (m.normalizedAlignment) normalized += m.normalizedAlignment.chars.join('');
  }
  const last = out.messages[out.messages.length - 1];
  return {
    audio_messages: audio.length,
    bytes: Buffer.concat(out.audio).length,
    chars, normalized, aligned,
    final: !!(last && last.isFinal === true),
    errors: out.messages.filter((m) => m.error),
    close: out.close, http_status: out.http_status, seconds, timed_out: !!out.timed_out,
    http_body: out.http_body ? JSON.parse(out.http_body) : null,
  };
}
