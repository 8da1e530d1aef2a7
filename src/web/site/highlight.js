// Word highlighting: the text shown as spans from the job's timestamps
// ({word, start, end, char_start, char_end}; seconds, offsets into the sent text), and the
// span being spoken marked as the audio's currentTime passes it.

export class WordHighlighter {
  constructor(container, audio) {
    this.container = container;
    this.audio = audio;
    this.spans = [];
    this.onTime = () => this.update();
    audio.addEventListener('timeupdate', this.onTime);
    audio.addEventListener('seeked', this.onTime);
  }

  clear() {
    this.spans = [];
    this.container.replaceChildren();
    this.container.classList.add('hidden');
  }

  // Shows `text` split at the timestamps' offsets; returns false (showing nothing) when there
  // are no usable timestamps.
  show(text, timestamps) {
    this.clear();
    if (!Array.isArray(timestamps) || !timestamps.length) return false;
    // Offsets count characters as the server does (code points), not UTF-16 units.
    const chars = Array.from(text);
    let at = 0;
    for (const t of timestamps) {
      const start = Number(t.char_start), end = Number(t.char_end);
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < at || end <= start ||
          end > chars.length) {
        continue;  // overlapping or out of range: leave that word unmarked
      }
      if (start > at) this.container.append(chars.slice(at, start).join(''));
      const span = document.createElement('span');
      span.className = 'word';
      span.textContent = chars.slice(start, end).join('');
      span.dataset.start = t.start;
      span.dataset.end = t.end;
      this.container.append(span);
      this.spans.push({ span, start: Number(t.start), end: Number(t.end) });
      at = end;
    }
    if (at < chars.length) this.container.append(chars.slice(at).join(''));
    if (!this.spans.length) return false;
    this.container.classList.remove('hidden');
    this.update();
    return true;
  }

  update() {
    const t = this.audio.currentTime;
    for (const { span, start, end } of this.spans) {
      span.classList.toggle('spoken', t >= start && t < end);
    }
  }
}
