// Recent jobs (GET /v1/tts/jobs): status, time per stage, audio links, and the caller's usage
// as these jobs add it up.
import { callJson } from './api.js';

const STAGES = ['queued', 'picked', 'preprocessing', 'inference', 'vocoding', 'uploading'];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function timings(job) {
  const t = job.timings_ms || {};
  const known = STAGES.filter((s) => s in t).map((s) => `${s} ${t[s]} ms`);
  const others = Object.keys(t).filter((s) => !STAGES.includes(s) && s !== 'received')
      .map((s) => `${s} ${t[s]} ms`);
  return [...known, ...others].join(' · ');
}

function item(job) {
  const li = el('li');
  li.dataset.jobId = job.job_id;
  const title = el('div');
  title.append(el('span', `badge ${job.status}`, job.status), ' ',
               job.kind === 'voice_creation' ? 'Voice creation' : 'Speech', ' · ',
               job.voice_id || 'default voice');
  if (job.format) title.append(` · ${job.format}`);
  li.append(title);
  const when = new Date(job.created_at);
  const meta = [isNaN(when) ? job.created_at : when.toLocaleString()];
  if (job.duration_s) meta.push(`${Number(job.duration_s).toFixed(1)} s of audio`);
  if (job.characters) meta.push(`${job.characters} characters`);
  li.append(el('div', 'meta', meta.join(' · ')));
  const stages = timings(job);
  if (stages) li.append(el('div', 'meta', stages));
  if (job.error) li.append(el('div', 'meta', `Failed: ${job.error.message || job.error.code}`));
  if (job.audio_url) {
    const link = el('a', '', 'Audio');
    link.href = job.audio_url;
    li.append(link);
  } else if (job.audio_bytes && !job.audio_url) {
    li.append(el('div', 'meta', 'Streamed (no copy kept)'));
  }
  return li;
}

export async function loadJobs(list, usage) {
  const { jobs } = await callJson('/v1/tts/jobs?limit=20');
  list.replaceChildren(...jobs.map(item));
  const speech = jobs.filter((j) => j.kind !== 'voice_creation');
  const seconds = speech.reduce((sum, j) => sum + (Number(j.duration_s) || 0), 0);
  const characters = speech.reduce((sum, j) => sum + (Number(j.characters) || 0), 0);
  usage.textContent = jobs.length
      ? `Usage in these ${jobs.length} jobs: ${characters} characters, ` +
        `${seconds.toFixed(1)} s of audio.`
      : 'No jobs yet.';
  return jobs;
}
