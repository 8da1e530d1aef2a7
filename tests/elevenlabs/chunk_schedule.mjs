// Shows that generation_config.chunk_length_schedule decides when stream-input speaks:
//   node chunk_schedule.mjs WS_BASE API_KEY
// One long sentence (no sentence end before its last word, under the 400-byte sentence
// bound) is sent word by word, then the client waits before ending the input with
// {"text":""}. With a small schedule ([50]) audio arrives while the client waits; with the
// largest ([500]) none does until the end, unless auto_mode is on. A schedule out of range is refused in the
// protocol's shape. Prints one JSON summary on stdout for tests/elevenlabs_ws_e2e_test.cc.
import { session, summary } from './ws_session.mjs';

const [wsBase, apiKey] = process.argv.slice(2);
export const TEXT =
  'Streaming text arrives word by word from a language model, and the server keeps it in a ' +
  'buffer until there is enough of it to speak well, then speaks that part while the rest is ' +
  'still arriving, so that a listener hears the first words long before the last ones are typed';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Sends TEXT word by word under `schedule`, then waits up to `waitMs` for audio (returning as
// soon as some comes) before ending the input.
async function scheduled(schedule, waitMs, query = '') {
  let audioSeen = 0, wokeUp = null, started = 0, firstAudioAt = null;
  const result = {};
  const out = await session(wsBase, 'output_format=pcm_16000' + query, {
    onMessage: (ws, m) => {
      if (m.audio && audioSeen++ === 0) firstAudioAt = Date.now();
      if (m.audio && wokeUp) wokeUp();
    },
    onOpen: async (ws) => {
      ws.send(JSON.stringify({ text: ' ', xi_api_key: apiKey,
                               generation_config: { chunk_length_schedule: schedule } }));
      started = Date.now();
      for (const word of TEXT.split(' ')) {
        ws.send(JSON.stringify({ text: word + ' ' }));
        await sleep(5);
      }
      result.sent_ms = Date.now() - started;
      if (audioSeen === 0) {
        await Promise.race([sleep(waitMs), new Promise((r) => { wokeUp = r; })]);
      }
      result.waited_ms = Date.now() - started - result.sent_ms;
      result.audio_before_end = audioSeen;
      result.first_audio_ms = firstAudioAt && firstAudioAt - started;
      ws.send(JSON.stringify({ text: '' }));
    },
  });
  return { ...summary(out), ...result };
}

const result = { text: TEXT };
result.small = await scheduled([50], 30000);
// The large schedule's wait: well past the time the small one took to its first audio.
result.large = await scheduled([500], Math.max(3000, 4 * (result.small.first_audio_ms || 0)));
// auto_mode: no schedule, no buffer: each message is spoken as it comes, even under [500].
result.auto = await scheduled([500], 30000, '&auto_mode=true');
result.bad = summary(await session(wsBase, '', {
  onOpen: (ws) => {
    ws.send(JSON.stringify({ text: ' ', xi_api_key: apiKey,
                             generation_config: { chunk_length_schedule: [120, 40] } }));
    ws.send(JSON.stringify({ text: TEXT + ' ', flush: true }));
  } }));
process.stdout.write(JSON.stringify(result) + '\n');
