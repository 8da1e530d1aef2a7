// Drives Vox's ElevenLabs routes with SSML bodies (VOX_COMPAT_SSML) through the official
// `@elevenlabs/elevenlabs-js` SDK, unchanged:
//   node ssml_sdk.mjs BASE_URL API_KEY on|off
// "on": a malformed document (the SDK's 422; the caller's jobs and usage, read from the native
// API, do not change), then convert and stream with and without a 2 s break as pcm_16000
// (32,000 bytes a second), and both with-timestamps routes on the document with the break.
// "off" (VOX_COMPAT_SSML off): the malformed document through with-timestamps, read as text. Prints one JSON summary on stdout for the C++ test
// (tests/compat_ssml_e2e_test.cc).
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const { ElevenLabsClient } =
  require(path.join(here, '../services/node_modules/@elevenlabs/elevenlabs-js'));

const [baseUrl, apiKey, mode] = process.argv.slice(2);
const client = new ElevenLabsClient({ baseUrl, apiKey, maxRetries: 0, timeoutInSeconds: 120 });
const VOICE = 'flite-slt';
const BREAK = '<speak>One<break time="2s"/>two</speak>';
const PLAIN = '<speak>One two</speak>';
const MALFORMED = '<speak>One<break time="2s">two</speak>';

async function seconds(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes / 32000;
}

// An alignment as sent, its characters joined (the C++ test checks its invariants).
function joined(a) {
  if (!a) return null;
  return { text: a.characters.join(''), count: a.characters.length,
           start: a.characterStartTimesSeconds, end: a.characterEndTimesSeconds };
}

// The caller's jobs and usage, as the native API shows them (the same key as a bearer).
async function recorded() {
  const get = async (route) => (await fetch(new URL(route, baseUrl), {
    headers: { Authorization: `Bearer ${apiKey}` } })).json();
  return { jobs: (await get('/v1/tts/jobs?limit=100')).jobs.length,
           usage: JSON.stringify(await get('/v1/usage')) };
}

const pcm = { outputFormat: 'pcm_16000' };
const out = {};
if (mode === 'on') {
  const before = await recorded();
  try {
    await seconds(await client.textToSpeech.convert(VOICE, { text: MALFORMED, ...pcm }));
    out.malformed = { thrown: false };
  } catch (e) {
    out.malformed = { thrown: true, class: e.constructor.name, status: e.statusCode,
                      body: e.body ?? null };
  }
  const after = await recorded();
  out.nothing_recorded = before.jobs === after.jobs && before.usage === after.usage;
  const convert = (text) => client.textToSpeech.convert(VOICE, { text, ...pcm });
  const stream = (text) => client.textToSpeech.stream(VOICE, { text, ...pcm });
  out.convert_break = await seconds(await convert(BREAK));
  out.convert_plain = await seconds(await convert(PLAIN));
  out.stream_break = await seconds(await stream(BREAK));
  out.stream_plain = await seconds(await stream(PLAIN));
  const timed = await client.textToSpeech.convertWithTimestamps(VOICE, { text: BREAK, ...pcm });
  out.with_timestamps = { alignment: joined(timed.alignment),
                          normalized: joined(timed.normalizedAlignment),
                          seconds: Buffer.from(timed.audioBase64, 'base64').length / 32000 };
  const merged = { characters: [], characterStartTimesSeconds: [], characterEndTimesSeconds: [] };
  const pieces = await client.textToSpeech.streamWithTimestamps(VOICE, { text: BREAK, ...pcm });
  for await (const piece of pieces) {
    if (piece.alignment) for (const k of Object.keys(merged)) merged[k].push(...piece.alignment[k]);
  }
  out.stream_with_timestamps = { alignment: joined(merged) };
} else {
  const timed =
      await client.textToSpeech.convertWithTimestamps(VOICE, { text: MALFORMED, ...pcm });
  out.as_text = { alignment: joined(timed.alignment),
                  normalized: joined(timed.normalizedAlignment),
                  seconds: Buffer.from(timed.audioBase64, 'base64').length / 32000 };
}
console.log(JSON.stringify(out));
