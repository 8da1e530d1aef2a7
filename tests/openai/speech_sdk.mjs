// Drives Vox's OpenAI-compatible route with the official `openai` npm SDK, unchanged:
//   node speech_sdk.mjs BASE_URL API_KEY OUT_DIR
// Creates speech in every response_format with both stream_formats, reading each body as a
// stream, writes the audio to OUT_DIR/<format>.<stream_format>, checks the SDK's typed
// errors, and prints one JSON summary on stdout for the C++ test to judge.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const OpenAI = require(path.join(here, '../services/node_modules/openai')).default;

const [baseURL, apiKey, outDir] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120000 });
const TEXT =
  'The quick brown fox jumps over the lazy dog. ' +
  'Streaming audio starts before the whole text is spoken. ' +
  'This third sentence makes the answer long enough to arrive in pieces.';

async function readStream(body, onChunk) {
  const started = Date.now();
  let first = -1;
  let chunks = 0;
  for await (const chunk of body) {
    if (first < 0) first = Date.now() - started;
    chunks += 1;
    onChunk(Buffer.from(chunk));
  }
  return { first_chunk_ms: first, chunks, total_ms: Date.now() - started };
}

async function audioCase(format) {
  const res = await client.audio.speech.create({
    model: 'tts-1', voice: 'alloy', input: TEXT, response_format: format,
  });
  const parts = [];
  const timing = await readStream(res.body, (b) => parts.push(b));
  const file = path.join(outDir, `${format}.audio`);
  fs.writeFileSync(file, Buffer.concat(parts));
  return { format, stream_format: 'audio', file, content_type: res.headers.get('content-type'),
           job_id: res.headers.get('x-vox-job-id'), bytes: Buffer.concat(parts).length, ...timing };
}

async function sseCase(format) {
  const res = await client.audio.speech.create({
    model: 'gpt-4o-mini-tts', voice: 'alloy', input: TEXT, response_format: format,
    stream_format: 'sse', instructions: 'Speak calmly.',
  });
  let text = '';
  const timing = await readStream(res.body, (b) => { text += b.toString('utf8'); });
  const audio = [];
  let done = null;
  let deltas = 0;
  for (const block of text.split('\n\n')) {
    if (!block.startsWith('data: ')) continue;
    const event = JSON.parse(block.slice(6));
    if (event.type === 'speech.audio.delta') { audio.push(Buffer.from(event.audio, 'base64')); deltas++; }
    if (event.type === 'speech.audio.done') done = event;
  }
  const file = path.join(outDir, `${format}.sse`);
  fs.writeFileSync(file, Buffer.concat(audio));
  return { format, stream_format: 'sse', file, content_type: res.headers.get('content-type'),
           deltas, usage: done ? done.usage : null, bytes: Buffer.concat(audio).length, ...timing };
}

async function errorCase(name, request, c = client) {
  try {
    const res = await c.audio.speech.create(request);
    await res.arrayBuffer();
    return { name, thrown: false };
  } catch (e) {
    return { name, thrown: true, class: e.constructor.name, status: e.status, param: e.param ?? null,
             code: e.code ?? null, type: e.type ?? null, message: e.message };
  }
}

const results = [];
for (const format of ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']) {
  results.push(await audioCase(format));
  results.push(await sseCase(format));
}
// A Vox voice id, as a name and as {"id": ...}.
const byId = await client.audio.speech.create({
  model: 'tts-1', voice: { id: 'flite-rms' }, input: 'Hello.', response_format: 'wav',
});
const byIdBytes = (await byId.arrayBuffer()).byteLength;

const base = { model: 'tts-1', voice: 'alloy', input: 'Hello.' };
const errors = [
  await errorCase('long_input', { ...base, input: 'a'.repeat(4097) }),
  await errorCase('speed_5', { ...base, speed: 5 }),
  await errorCase('unknown_voice', { ...base, voice: 'no-such-voice' }),
  await errorCase('unknown_model', { ...base, model: 'whisper-1' }),
  await errorCase('bad_format', { ...base, response_format: 'm4a' }),
  await errorCase('bad_key', base, new OpenAI({ baseURL, apiKey: 'vox_wrong', maxRetries: 0 })),
];
console.log(JSON.stringify({ results, by_id_bytes: byIdBytes, errors }));
