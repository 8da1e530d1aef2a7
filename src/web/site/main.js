// The playground's wiring: each button's handler, and its errors shown next to the control
// that caused them.
import { apiKey, setApiKey, ErrorSlots } from './api.js';
import { loadVoices } from './voices.js';
import { WordHighlighter } from './highlight.js';
import { Speaker } from './speak.js';
import { Cloner } from './clone.js';
import { loadJobs } from './jobs.js';

const $ = (id) => document.getElementById(id);

const keyErrors = new ErrorSlots({}, 'key');
const speakErrors = new ErrorSlots(
    { text: 'text', voice_id: 'voice', voice: 'voice', format: 'format', speed: 'speed',
      text_type: 'text', language: 'voice' },
    'speak');
const cloneErrors = new ErrorSlots(
    { name: 'clone-name', speaker_name: 'speaker-name', files: 'samples',
      consent_audio: 'consent' },
    'clone');
const jobErrors = new ErrorSlots({}, 'jobs');

// Runs `work` with `button` disabled; its error goes to `slots`.
async function guarded(button, slots, work) {
  slots.clear();
  keyErrors.clear();
  button.disabled = true;
  try {
    return await work();
  } catch (e) {
    const slotsFor = e.status === 401 ? keyErrors : slots;
    slotsFor.show(e, e.control);
    return undefined;
  } finally {
    button.disabled = false;
  }
}

function refreshVoices(prefer) {
  return guarded($('voice'), speakErrors, () => loadVoices($('voice'), prefer));
}

function refreshJobs() {
  return guarded($('jobs-refresh'), jobErrors, () => loadJobs($('jobs'), $('usage')));
}

function refreshAll() {
  if (!apiKey()) {
    keyErrors.clear();
    keyErrors.show(new Error('Paste an API key (vox keys create) to start.'));
    return;
  }
  refreshVoices();
  refreshJobs();
}

const speaker = new Speaker({
  audio: $('player'),
  download: $('download'),
  status: $('speak-status'),
  highlighter: new WordHighlighter($('words'), $('player')),
});

const cloner = new Cloner({
  name: $('clone-name'), speaker: $('speaker-name'), samples: $('samples'),
  statement: $('consent-statement'), record: $('record'), stop: $('stop'),
  recordStatus: $('record-status'), preview: $('consent-preview'),
  create: $('create'), progress: $('clone-progress'), status: $('clone-status'),
}, cloneErrors);

$('key').value = apiKey();
$('key').addEventListener('change', () => {
  setApiKey($('key').value.trim());
  refreshAll();
});
$('key-forget').addEventListener('click', () => {
  setApiKey('');
  $('key').value = '';
  $('voice').replaceChildren();
  $('jobs').replaceChildren();
  $('usage').textContent = '';
  $('key').focus();
});

$('speak').addEventListener('click', () => guarded($('speak'), speakErrors, async () => {
  $('speak-status').textContent = '';
  const speed = Number($('speed').value);
  if (!(speed > 0)) throw Object.assign(new Error('Speed must be a number above 0.'),
                                        { control: 'speed' });
  const request = { text: $('text').value, format: $('format').value, speed };
  if ($('voice').value) request.voice_id = $('voice').value;
  if ($('ssml').checked) request.text_type = 'ssml';
  try {
    await speaker.speak(request);
  } finally {
    if (!$('speak-status').textContent.startsWith('Done')) $('speak-status').textContent = '';
    refreshJobs();
  }
}));

$('record').addEventListener('click', async () => {
  await guarded($('record'), cloneErrors, () => cloner.record());
  // guarded() re-enabled the button; while recording only Stop applies.
  if (cloner.recorder && cloner.recorder.state === 'recording') $('record').disabled = true;
});
$('stop').addEventListener('click', () => cloner.stop());

$('create').addEventListener('click', () => guarded($('create'), cloneErrors, async () => {
  try {
    const voice = await cloner.create();
    await refreshVoices(voice.voice_id || voice.id);
  } finally {
    refreshJobs();
  }
}));

$('jobs-refresh').addEventListener('click', refreshJobs);

refreshAll();
