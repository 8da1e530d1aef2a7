// Clone: the consent statement from GET /v1/voice/consent-statement, read aloud and recorded
// with MediaRecorder (WebM/Opus), then POST /v1/voice/create (multipart: name, speaker_name,
// files, consent_audio) and GET /v1/voices/{id} until the voice is ready or rejected.
import { call, callJson, ApiError } from './api.js';

const POLL_MS = 1000;
const POLL_LIMIT_MS = 10 * 60 * 1000;

function recorderType() {
  for (const type of ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus']) {
    if (window.MediaRecorder && MediaRecorder.isTypeSupported(type)) return type;
  }
  return '';
}

export class Cloner {
  constructor(ui, errors) {
    this.ui = ui;  // {name, speaker, samples, statement, record, stop, recordStatus, preview,
                   //  create, progress, status}
    this.errors = errors;
    this.consent = null;  // the recorded Blob
    this.challengeId = null;  // the one-time challenge the statement ends with
    this.recorder = null;
  }

  async record() {
    const speaker = this.ui.speaker.value.trim();
    if (!speaker) {
      throw Object.assign(new Error('Type the speaker\u2019s name first: the statement names them.'),
                          { control: 'speaker-name' });
    }
    // A new statement each time: it ends with a one-time challenge, spent by one upload.
    const { statement, challenge_id: challengeId } =
        await callJson(`/v1/voice/consent-statement?name=${encodeURIComponent(speaker)}`);
    this.challengeId = challengeId ?? null;
    this.ui.statement.textContent = statement;
    this.ui.statement.classList.remove('hidden');
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      throw Object.assign(new Error('This browser cannot record audio here (it needs HTTPS or ' +
                                    'localhost, and a microphone).'), { control: 'consent' });
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      throw Object.assign(new Error(`The microphone could not be opened (${e.name}).`),
                          { control: 'consent' });
    }
    const type = recorderType();
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    const chunks = [];
    recorder.addEventListener('dataavailable', (e) => { if (e.data.size) chunks.push(e.data); });
    recorder.addEventListener('stop', () => {
      for (const track of stream.getTracks()) track.stop();
      this.consent = new Blob(chunks, { type: recorder.mimeType || 'audio/webm' });
      this.ui.preview.src = URL.createObjectURL(this.consent);
      this.ui.preview.classList.remove('hidden');
      this.ui.recordStatus.textContent =
          `Recorded ${(this.consent.size / 1024).toFixed(0)} KiB. Listen back, or record again.`;
      this.ui.record.disabled = false;
      this.ui.stop.disabled = true;
      this.ui.record.focus();
    });
    this.consent = null;
    this.recorder = recorder;
    recorder.start(250);
    this.ui.record.disabled = true;
    this.ui.stop.disabled = false;
    this.ui.stop.focus();
    this.ui.recordStatus.textContent = 'Recording… read the statement aloud, then press Stop.';
  }

  stop() {
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
  }

  // Uploads and follows the creation. Resolves to the ready voice; rejects with an Error whose
  // message says why (a rejection's reason in the server's words).
  async create() {
    const missing = [['clone-name', this.ui.name, 'Give the voice a name.'],
                     ['speaker-name', this.ui.speaker, 'Type the speaker\u2019s name.']]
        .find(([, input]) => !input.value.trim());
    if (missing) throw Object.assign(new Error(missing[2]), { control: missing[0] });
    if (!this.ui.samples.files.length) {
      throw Object.assign(new Error('Choose one or more recordings of the speaker.'),
                          { control: 'samples' });
    }
    if (!this.consent) {
      throw Object.assign(new Error('Record the consent statement first.'), { control: 'consent' });
    }
    const form = new FormData();
    form.append('name', this.ui.name.value.trim());
    form.append('speaker_name', this.ui.speaker.value.trim());
    for (const file of this.ui.samples.files) form.append('files', file, file.name);
    const extension = this.consent.type.includes('ogg') ? 'ogg' : 'webm';
    form.append('consent_audio', this.consent, `consent.${extension}`);
    if (this.challengeId) form.append('challenge_id', this.challengeId);
    this.ui.progress.classList.remove('hidden');
    this.ui.status.textContent = 'Uploading…';
    try {
      const accepted = await callJson('/v1/voice/create', { method: 'POST', body: form });
      return await this.follow(accepted.voice_id);
    } finally {
      this.ui.progress.classList.add('hidden');
    }
  }

  async follow(voiceId) {
    const started = Date.now();
    for (;;) {
      const voice = await callJson(`/v1/voices/${encodeURIComponent(voiceId)}`);
      if (voice.status === 'ready') {
        this.ui.status.textContent = `The voice \u201c${voice.name}\u201d is ready.`;
        return voice;
      }
      if (voice.status === 'rejected') {
        const r = voice.rejection || {};
        this.ui.status.textContent = '';
        throw new ApiError(422, r.code || 'rejected',
                           `The voice was rejected: ${r.message || 'no reason was given.'}`,
                           r.field);
      }
      const waited = Math.round((Date.now() - started) / 1000);
      this.ui.status.textContent = `Checking the recordings and making the voice… (${waited} s)`;
      if (Date.now() - started > POLL_LIMIT_MS) {
        throw new Error('The voice is still being made; look for it in the Voice list later.');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
