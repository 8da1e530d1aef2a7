// Speak: POST /v1/tts/stream played while it is being made. MP3 goes through MediaSource where
// the browser supports it (playback starts with the first chunk); other formats, or browsers
// without it, play from a blob once the stream has ended. Either way the whole audio becomes
// the download, and the words are highlighted when the finished job has timestamps.
import { call, callJson } from './api.js';

const EXTENSIONS = { 'audio/mpeg': 'mp3', 'audio/wav': 'wav', 'audio/x-wav': 'wav',
                     'audio/ogg': 'ogg', 'audio/opus': 'opus', 'audio/flac': 'flac' };

function canStream(type) {
  return type === 'audio/mpeg' && 'MediaSource' in window && MediaSource.isTypeSupported(type);
}

function appendTo(buffer, bytes) {
  return new Promise((resolve, reject) => {
    const done = () => { buffer.removeEventListener('error', failed); resolve(); };
    const failed = () => {
      buffer.removeEventListener('updateend', done);
      reject(new Error('The browser could not play this audio.'));
    };
    buffer.addEventListener('updateend', done, { once: true });
    buffer.addEventListener('error', failed, { once: true });
    buffer.appendBuffer(bytes);
  });
}

const FINAL_STATES = new Set(['done', 'failed', 'canceled']);

export class Speaker {
  constructor({ audio, download, status, highlighter }) {
    this.audio = audio;
    this.download = download;
    this.status = status;
    this.highlighter = highlighter;
    this.urls = [];
  }

  setSource(url) {
    for (const old of this.urls) URL.revokeObjectURL(old);
    this.urls = [url];
    this.audio.src = url;
  }

  play() {
    // Autoplay may be refused; the controls still work, so that is not an error.
    this.audio.play().catch(() => {});
  }

  // Streams `request` (the /v1/tts/stream body) into the <audio>. Resolves when all audio
  // arrived; rejects with an ApiError (shown by the caller).
  async speak(request) {
    this.highlighter.clear();
    delete this.audio.dataset.words;
    this.download.classList.add('hidden');
    this.status.textContent = 'Speaking…';
    const response = await call('/v1/tts/stream', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    const jobId = response.headers.get('X-Vox-Job-Id');
    const type = (response.headers.get('Content-Type') || '').split(';')[0].trim();
    const reader = response.body.getReader();
    const chunks = [];
    try {
      if (canStream(type)) {
        await this.playWhileReading(reader, chunks);
      } else {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          chunks.push(value);
        }
      }
    } catch (e) {
      // The server ends a stream that fails midway without its last chunk.
      this.status.textContent = '';
      throw new Error(e instanceof TypeError
          ? 'The audio stream broke off before the end; the server log says why.'
          : e.message);
    }
    const blob = new Blob(chunks, { type });
    const url = URL.createObjectURL(blob);
    if (canStream(type)) {
      this.urls.push(url);
    } else {
      this.setSource(url);
      this.play();
    }
    this.download.href = url;
    this.download.download = `vox.${EXTENSIONS[type] || 'audio'}`;
    this.download.classList.remove('hidden');
    this.status.textContent = `Done: ${(blob.size / 1024).toFixed(0)} KiB of ${type}.`;
    this.audio.dataset.state = 'done';
    this.audio.dataset.jobId = jobId || '';
    if (jobId) this.showWords(jobId, request.text);
    return jobId;
  }

  async playWhileReading(reader, chunks) {
    const source = new MediaSource();
    this.setSource(URL.createObjectURL(source));
    this.audio.dataset.state = 'streaming';
    await new Promise((resolve) => source.addEventListener('sourceopen', resolve, { once: true }));
    const buffer = source.addSourceBuffer('audio/mpeg');
    buffer.mode = 'sequence';  // MP3 frames carry no timestamps: play them back to back
    let started = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      await appendTo(buffer, value);
      if (!started) {
        started = true;
        this.play();
      }
    }
    if (source.readyState === 'open') source.endOfStream();
  }

  // The stream's job is recorded as it ends, a moment after the last byte; its timestamps
  // (when the engine has timings) drive the highlighting. The job is polled until it is final
  // (about 10 s at most); absent timestamps, or a job never found, show nothing.
  async showWords(jobId, text) {
    let shown = false;
    for (let attempt = 0, delay = 150; attempt < 12; ++attempt, delay = Math.min(delay * 2, 2000)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.audio.dataset.jobId !== jobId) return;  // another speech took over
      let job;
      try {
        job = await callJson(`/v1/tts/job/${encodeURIComponent(jobId)}`);
      } catch (e) {
        continue;  // not recorded yet (404) or a passing error: ask again
      }
      if (!FINAL_STATES.has(job.status)) continue;
      shown = this.highlighter.show(text, job.timestamps);
      break;
    }
    this.audio.dataset.words = shown ? 'shown' : 'none';
  }
}
