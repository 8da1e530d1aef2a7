// Drives Vox's OpenAI route with SSML bodies (VOX_COMPAT_SSML) through the official `openai`
// npm SDK, unchanged:
//   node ssml_sdk.mjs BASE_URL API_KEY on|off
// "on": a malformed document (the SDK's typed error; the caller's jobs and usage, read from
// the native API, do not change), then a document with a 2 s break and one without, as pcm
// (24 kHz s16le: 48,000 bytes a second). "off" (VOX_COMPAT_SSML off): the malformed
// document, read as text. Prints one JSON summary on stdout for the C++
// test (tests/compat_ssml_e2e_test.cc).
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const OpenAI = require(path.join(here, '../services/node_modules/openai')).default;

const [baseURL, apiKey, mode] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120000 });
const BREAK = '<speak>One<break time="2s"/>two</speak>';
const PLAIN = '<speak>One two</speak>';
const MALFORMED = '<speak>One<break time="2s">two</speak>';

async function speak(input) {
  const res = await client.audio.speech.create({
    model: 'tts-1', voice: 'alloy', input, response_format: 'pcm' });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { bytes, seconds: bytes / 48000, job_id: res.headers.get('x-vox-job-id'),
           cache: res.headers.get('x-vox-cache') };
}

// The caller's jobs and usage, as the native API shows them (the same key as a bearer).
async function recorded() {
  const get = async (route) => (await fetch(new URL(route, baseURL.replace(/\/v1\/?$/, '/')), {
    headers: { Authorization: `Bearer ${apiKey}` } })).json();
  return { jobs: (await get('/v1/tts/jobs?limit=100')).jobs.length,
           usage: JSON.stringify(await get('/v1/usage')) };
}

const out = {};
if (mode === 'on') {
  const before = await recorded();
  try {
    const res = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy',
                                                   input: MALFORMED });
    await res.arrayBuffer();
    out.malformed = { thrown: false };
  } catch (e) {
    out.malformed = { thrown: true, class: e.constructor.name, status: e.status,
                      param: e.param ?? null, code: e.code ?? null, type: e.type ?? null,
                      message: e.message };
  }
  const after = await recorded();
  out.nothing_recorded = before.jobs === after.jobs && before.usage === after.usage;
  out.with_break = await speak(BREAK);
  out.without_break = await speak(PLAIN);
} else {
  out.as_text = await speak(MALFORMED);
}
console.log(JSON.stringify(out));
