// Drives Vox's OpenAI custom-voice routes with the official `openai` npm SDK:
//   node voices_sdk.mjs BASE_URL API_KEY OTHER_USER_KEY READ_ONLY_KEY CONSENT_FILE SAMPLE_FILE
//     SPEAKER OUT_DIR CHALLENGE_ID SPARE_CONSENT_FILE SPARE_CHALLENGE_ID
// (API_KEY's user has one voice slot; READ_ONLY_KEY has the voices:read scope only. The two
// consent files read the statements GET /v1/voice/consent-statement returned to API_KEY with
// the two challenges: Vox's `challenge_id` form field, beside OpenAI's.)
// The pinned SDK (6.49.0) has no audio.voices / audio.voiceConsents resources, so the script
// uses the SDK's own generic client.post/get/delete with its multipart helper
// (multipartFormRequestOptions, as its transcriptions.create does) and toFile: the requests,
// authentication and typed errors are the SDK's. It creates a consent with the speaker's
// recording, a voice from the sample and that consent, waits for the voice (polling
// GET /audio/voices/{id}), speaks in it with voice: {id}, checks the bad inputs, deletes, and
// prints one JSON summary on stdout for the C++ test to judge.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const sdk = path.join(here, '../services/node_modules/openai');
const OpenAI = require(sdk).default;
const { toFile } = require(sdk);
const { multipartFormRequestOptions } = require(path.join(sdk, 'internal/uploads.js'));

const [baseURL, apiKey, otherKey, readKey, consentFile, sampleFile, speaker, outDir, challengeId,
  spareFile, spareChallengeId] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120000 });
const other = new OpenAI({ baseURL, apiKey: otherKey, maxRetries: 0, timeout: 120000 });
const TEXT = 'The quick brown fox jumps over the lazy dog.';

const file = (bytes, name) => toFile(bytes, name);
const post = (c, route, body) => c.post(route, multipartFormRequestOptions({ body }, c));

async function createConsent(c, fields) {
  return post(c, '/audio/voice_consents', fields);
}

async function consentFields(name = speaker, recording = fs.readFileSync(consentFile),
                             challenge = challengeId) {
  return { name, language: 'en-US', recording: await file(recording, 'consent.flac'),
           challenge_id: challenge };
}

async function voiceFields(consent, sample = fs.readFileSync(sampleFile), name = 'Jane via OpenAI') {
  return { name, consent, audio_sample: await file(sample, 'jane.wav') };
}

async function waitForVoice(id) {
  const deadline = Date.now() + 180000;
  let voice = null;
  const polls = [];
  while (Date.now() < deadline) {
    voice = await client.get(`/audio/voices/${id}`);
    polls.push(voice.status);
    if (voice.status !== 'processing') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { voice, first_poll: polls[0], polls: polls.length };
}

async function errorCase(name, call) {
  try {
    const res = await call();
    return { name, thrown: false, result: res ?? null };
  } catch (e) {
    return { name, thrown: true, class: e.constructor.name, status: e.status,
             param: e.param ?? null, code: e.code ?? null, type: e.type ?? null,
             message: e.message };
  }
}

const consent = await createConsent(client, await consentFields());
const fetched = await client.get(`/audio/voice_consents/${consent.id}`);
const created = await post(client, '/audio/voices', await voiceFields(consent.id));
const waited = await waitForVoice(created.id);

let speech = null;
if (waited.voice && waited.voice.status === 'ready') {
  const res = await client.audio.speech.create({
    model: 'tts-1', voice: { id: created.id }, input: TEXT, response_format: 'wav',
  });
  const out = path.join(outDir, 'clone.wav');
  fs.writeFileSync(out, Buffer.from(await res.arrayBuffer()));
  speech = { file: out, content_type: res.headers.get('content-type') };
}

// A second consent of the same speaker, kept unused through the bad inputs below.
const spare = await createConsent(client,
  await consentFields(speaker, fs.readFileSync(spareFile), spareChallengeId));
const notAudio = Buffer.from('this is a text file, not a recording\n'.repeat(20));
const errors = [
  await errorCase('consent_reused', async () => post(client, '/audio/voices',
    await voiceFields(consent.id))),
  await errorCase('unknown_consent', async () => post(client, '/audio/voices',
    await voiceFields('cons_00000000000000000000000000000000'))),
  await errorCase('other_users_consent', async () => post(other, '/audio/voices',
    await voiceFields(spare.id))),
  await errorCase('sample_not_audio', async () => post(client, '/audio/voices',
    await voiceFields(spare.id, notAudio))),
  await errorCase('voice_without_name', async () => post(client, '/audio/voices',
    { consent: spare.id, audio_sample: await file(fs.readFileSync(sampleFile), 'jane.wav') })),
  await errorCase('prompt_voice', async () => post(client, '/audio/voices',
    { ...(await voiceFields(spare.id)), type: 'prompt' })),
  await errorCase('recording_not_audio', async () => createConsent(client,
    await consentFields(speaker, notAudio))),
  await errorCase('consent_without_recording', async () => createConsent(client,
    { name: speaker, language: 'en-US' })),
  await errorCase('consent_in_german', async () => createConsent(client,
    { ...(await consentFields()), language: 'de-DE' })),
  await errorCase('consent_without_challenge', async () => createConsent(client,
    { name: speaker, language: 'en-US', recording: await file(fs.readFileSync(consentFile), 'c.flac') })),
  await errorCase('consent_with_unknown_challenge', async () => createConsent(client,
    await consentFields(speaker, fs.readFileSync(consentFile), 'chl_unknown'))),
  await errorCase('consent_with_other_users_challenge', async () => createConsent(other,
    await consentFields(speaker, fs.readFileSync(spareFile), spareChallengeId))),
  await errorCase('unknown_consent_get', async () =>
    client.get('/audio/voice_consents/cons_00000000000000000000000000000000')),
  await errorCase('other_users_consent_get', async () =>
    other.get(`/audio/voice_consents/${spare.id}`)),
  // The one voice slot is taken by the voice made above.
  await errorCase('over_voice_slots', async () => post(client, '/audio/voices',
    await voiceFields(spare.id))),
  // Small bodies: the server refuses these from the headers and never reads them.
  await errorCase('read_only_key', async () => createConsent(
    new OpenAI({ baseURL, apiKey: readKey, maxRetries: 0 }),
    await consentFields(speaker, Buffer.from('x')))),
  await errorCase('bad_key', async () => createConsent(
    new OpenAI({ baseURL, apiKey: 'vox_wrong', maxRetries: 0 }),
    await consentFields(speaker, Buffer.from('x')))),
];
const spareAfter = await client.get(`/audio/voice_consents/${spare.id}`);
const consentAfter = await client.get(`/audio/voice_consents/${consent.id}`);
const consents = await client.get('/audio/voice_consents');
const voices = await client.get('/audio/voices');

const deleted = await client.delete(`/audio/voices/${created.id}`);
const after = [
  await errorCase('speak_deleted', async () => {
    const res = await client.audio.speech.create({
      model: 'tts-1', voice: { id: created.id }, input: TEXT, response_format: 'wav',
    });
    return (await res.arrayBuffer()).byteLength;
  }),
  await errorCase('delete_deleted', async () => client.delete(`/audio/voices/${created.id}`)),
];
const spareDeleted = await client.delete(`/audio/voice_consents/${spare.id}`);
after.push(await errorCase('get_deleted_consent', async () =>
  client.get(`/audio/voice_consents/${spare.id}`)));

console.log(JSON.stringify({
  consent, fetched, created, waited, speech, spare, spare_after: spareAfter,
  consent_after: consentAfter, consents, voices, errors, deleted, after,
  spare_deleted: spareDeleted,
}));
