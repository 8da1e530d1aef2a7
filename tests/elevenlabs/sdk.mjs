// Drives Vox's ElevenLabs-compatible routes with the official `@elevenlabs/elevenlabs-js`
// SDK, unchanged:
//   node sdk.mjs BASE_URL API_KEY OUT_DIR
// Calls textToSpeech.convert / stream / convertWithTimestamps / streamWithTimestamps,
// voices.getAll / get / ivc.create / delete, models.list and user.subscription.get; writes
// the audio to OUT_DIR and prints one JSON summary on stdout for the C++ test to judge.
// Any call that throws (a response the SDK's schema refuses included) fails the run.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const { ElevenLabsClient, ElevenLabs } =
  require(path.join(here, '../services/node_modules/@elevenlabs/elevenlabs-js'));

const [baseUrl, apiKey, outDir] = process.argv.slice(2);
const client = new ElevenLabsClient({ baseUrl, apiKey, maxRetries: 0, timeoutInSeconds: 120 });
const TEXT = 'Hello from Vox. It costs $3.50 today, said Dr. Smith!';
const VOICE = 'flite-slt';

async function readAll(stream) {
  const parts = [];
  let chunks = 0;
  for await (const chunk of stream) { parts.push(Buffer.from(chunk)); chunks += 1; }
  return { bytes: Buffer.concat(parts), chunks };
}

function joined(alignment) {
  if (!alignment) return null;
  const { characters, characterStartTimesSeconds: s, characterEndTimesSeconds: e } = alignment;
  let ordered = s.length === characters.length && e.length === characters.length;
  let last = 0;
  for (let i = 0; i < characters.length && ordered; i++) {
    ordered = s[i] >= last && e[i] >= s[i];
    last = e[i];
  }
  return { text: characters.join(''), ordered, end: last, count: characters.length };
}

const out = {};
const convert = await readAll(await client.textToSpeech.convert(VOICE, {
  text: TEXT, modelId: 'eleven_multilingual_v2', outputFormat: 'mp3_44100_128',
  voiceSettings: { stability: 0.5, similarityBoost: 0.75, speed: 1.0 }, seed: 7,
}));
fs.writeFileSync(path.join(outDir, 'convert.mp3'), convert.bytes);
out.convert = { file: path.join(outDir, 'convert.mp3'), bytes: convert.bytes.length };

const streamed = await readAll(await client.textToSpeech.stream(VOICE, {
  text: TEXT, modelId: 'eleven_flash_v2_5', outputFormat: 'pcm_16000',
}));
fs.writeFileSync(path.join(outDir, 'stream.pcm'), streamed.bytes);
out.stream = { file: path.join(outDir, 'stream.pcm'), bytes: streamed.bytes.length,
               chunks: streamed.chunks };

const wav = await readAll(await client.textToSpeech.convert(VOICE, {
  text: 'A short sample for a clone.', outputFormat: 'wav_16000',
}));
fs.writeFileSync(path.join(outDir, 'sample.wav'), wav.bytes);

const timed = await client.textToSpeech.convertWithTimestamps(VOICE, {
  text: TEXT, outputFormat: 'mp3_22050_32',
});
const timedAudio = Buffer.from(timed.audioBase64, 'base64');
fs.writeFileSync(path.join(outDir, 'timed.mp3'), timedAudio);
out.with_timestamps = { file: path.join(outDir, 'timed.mp3'), bytes: timedAudio.length,
                        alignment: joined(timed.alignment),
                        normalized: joined(timed.normalizedAlignment) };

const pieces = await client.textToSpeech.streamWithTimestamps(VOICE, {
  text: TEXT, outputFormat: 'pcm_24000', voiceSettings: { speed: 1.1 },
});
const audioParts = [];
const merged = { characters: [], characterStartTimesSeconds: [], characterEndTimesSeconds: [] };
let events = 0;
for await (const piece of pieces) {
  events += 1;
  audioParts.push(Buffer.from(piece.audioBase64, 'base64'));
  if (piece.alignment) {
    for (const k of Object.keys(merged)) merged[k].push(...piece.alignment[k]);
  }
}
fs.writeFileSync(path.join(outDir, 'timed_stream.pcm'), Buffer.concat(audioParts));
out.stream_with_timestamps = { file: path.join(outDir, 'timed_stream.pcm'), events,
                               bytes: Buffer.concat(audioParts).length, alignment: joined(merged) };

const all = await client.voices.getAll();
out.voices = { count: all.voices.length, ids: all.voices.map((v) => v.voiceId),
               categories: [...new Set(all.voices.map((v) => v.category))] };
const one = await client.voices.get(VOICE);
out.voice = { voice_id: one.voiceId, name: one.name, category: one.category,
              labels: one.labels };

const added = await client.voices.ivc.create({
  name: 'SDK clone', files: [fs.createReadStream(path.join(outDir, 'sample.wav'))],
  description: 'made by the SDK test', labels: JSON.stringify({ accent: 'american' }),
});
out.added = { voice_id: added.voiceId, requires_verification: added.requiresVerification };
const addedVoice = await client.voices.get(added.voiceId);
out.added_voice = { category: addedVoice.category, labels: addedVoice.labels,
                    verification: addedVoice.voiceVerification };
// A clone without verified consent never speaks.
try {
  await readAll(await client.textToSpeech.convert(added.voiceId, { text: 'Hello.' }));
  out.added_speaks = { thrown: false };
} catch (e) {
  out.added_speaks = { thrown: true, status: e.statusCode, body: e.body };
}
out.deleted = await client.voices.delete(added.voiceId);
try {
  await client.voices.get(added.voiceId);
  out.deleted_get = { thrown: false };
} catch (e) {
  out.deleted_get = { thrown: true, status: e.statusCode };
}

const models = await client.models.list();
out.models = models.map((m) => m.modelId);
const sub = await client.user.subscription.get();
out.subscription = { tier: sub.tier, character_count: sub.characterCount,
                     character_limit: sub.characterLimit, status: sub.status };

async function errorCase(name, call) {
  try {
    const r = await call();
    if (r && r[Symbol.asyncIterator]) await readAll(r);
    return { name, thrown: false };
  } catch (e) {
    return { name, thrown: true, class: e.constructor.name, status: e.statusCode,
             body: e.body ?? null };
  }
}
out.errors = [
  await errorCase('speed_5', () => client.textToSpeech.convert(VOICE, {
    text: 'Hi.', voiceSettings: { speed: 5 } })),
  await errorCase('unknown_voice', () => client.textToSpeech.convert('no-such-voice', {
    text: 'Hi.' })),
  await errorCase('bad_format', () => client.textToSpeech.convert(VOICE, { text: 'Hi.' }, {
    queryParams: { output_format: 'mp3_1_1' } })),
  await errorCase('bad_key', () => new ElevenLabsClient({ baseUrl, apiKey: 'vox_wrong',
    maxRetries: 0 }).models.list()),
];
console.log(JSON.stringify(out));
