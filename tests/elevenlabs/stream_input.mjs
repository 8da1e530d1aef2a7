// Drives Vox's ElevenLabs WebSocket route, GET /v1/text-to-speech/{voice_id}/stream-input,
// with the pinned `ws` client (the official @elevenlabs/elevenlabs-js SDK has no client for
// this route, only its message types):
//   node stream_input.mjs WS_BASE API_KEY OUT_DIR
// Prints one JSON summary on stdout for the C++ test (tests/elevenlabs_e2e_test.cc) to judge:
// the round trips (key in the first message, key in the header), and how bad input ends
// (bad keys, bad JSON, wrong types, binary and oversized frames, a client that vanishes).
import fs from 'node:fs';
import path from 'node:path';
import { session as open, summary } from './ws_session.mjs';

const [wsBase, apiKey, outDir] = process.argv.slice(2);
export const PIECES = ['Hello from Vox', '. It streams ', 'text in pieces, as it is ',
                       'typed. Dr. Smith paid $3.50', ' today!'];
const session = (query, options) => open(wsBase, query, options);

async function roundTrip(query, headers, firstExtra) {
  const out = await session(query, {
    headers,
    onOpen: async (ws) => {
      ws.send(JSON.stringify({ text: ' ', voice_settings: { speed: 1.0, stability: 0.5 },
                               generation_config: { chunk_length_schedule: [120, 160] },
                               ...firstExtra }));
      for (const [i, piece] of PIECES.entries()) {
        ws.send(JSON.stringify({ text: piece, try_trigger_generation: false,
                                 flush: i === PIECES.length - 1 }));
        await new Promise((r) => setTimeout(r, 30));
      }
      ws.send(JSON.stringify({ text: '' }));
    },
  });
  return out;
}

const result = {};
// The key in the first message; raw PCM to judge the audio.
const pcm = await roundTrip('model_id=eleven_flash_v2_5&output_format=pcm_16000', {},
                            { xi_api_key: apiKey });
fs.writeFileSync(path.join(outDir, 'stream_input.pcm'), Buffer.concat(pcm.audio));
result.first_message_key = { ...summary(pcm), file: path.join(outDir, 'stream_input.pcm') };
// The key in the header, MP3.
const mp3 = await roundTrip('output_format=mp3_22050_32', { 'xi-api-key': apiKey }, {});
fs.writeFileSync(path.join(outDir, 'stream_input.mp3'), Buffer.concat(mp3.audio));
result.header_key = { ...summary(mp3), file: path.join(outDir, 'stream_input.mp3') };

const opening = (ws, extra = {}) =>
  ws.send(JSON.stringify({ text: ' ', xi_api_key: apiKey, ...extra }));
result.bad_key_message = summary(await session('', {
  onOpen: (ws) => ws.send(JSON.stringify({ text: ' ', xi_api_key: 'vox_nope' })) }));
result.no_key = summary(await session('', {
  onOpen: (ws) => ws.send(JSON.stringify({ text: ' ' })) }));
result.bad_key_header = summary(await session('', { headers: { 'xi-api-key': 'vox_nope' } }));
result.bad_query = summary(await session('inactivity_timeout=999', {}));
result.bad_json = summary(await session('', {
  onOpen: (ws) => { opening(ws); ws.send('{"text": "unterminated'); } }));
result.wrong_type = summary(await session('', {
  onOpen: (ws) => { opening(ws); ws.send(JSON.stringify({ text: 42 })); } }));
result.binary = summary(await session('', {
  onOpen: (ws) => { opening(ws); ws.send(Buffer.from([1, 2, 3]), { binary: true }); } }));
result.oversized = summary(await session('', {
  onOpen: (ws) => { opening(ws); ws.send(JSON.stringify({ text: 'a'.repeat(300 * 1024) })); } }));
// Inactivity: one sentence, then silence past inactivity_timeout: spoken, final, closed.
result.inactive = summary(await session('inactivity_timeout=1&output_format=pcm_16000', {
  onOpen: (ws) => { opening(ws); ws.send(JSON.stringify({ text: 'Nobody says more. ' })); } }));
// A client that vanishes at its first audio: the synthesis stops (a canceled job).
const long = 'This sentence is here to keep the engine busy for a while. '.repeat(40);
result.vanished = summary(await session('output_format=pcm_16000', {
  onOpen: (ws) => { opening(ws); ws.send(JSON.stringify({ text: long, flush: true })); },
  onMessage: (ws, m) => { if (m.audio) ws.terminate(); } }));

process.stdout.write(JSON.stringify(result) + '\n');
