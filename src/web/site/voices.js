// The Voice select: GET /v1/voices grouped into built-in, Piper and the caller's clones, each
// option showing language and gender. Only ready voices can be picked.
import { callJson } from './api.js';

const GROUPS = [
  ['builtin', 'Built-in'],
  ['piper', 'Piper'],
  ['clone', 'Your clones'],
];

function groupOf(voice) {
  if (voice.kind === 'clone') return 'clone';
  return String(voice.engine || '').includes('piper') ? 'piper' : 'builtin';
}

function describe(voice) {
  const facts = [voice.language, voice.gender].filter((f) => f && f !== 'unknown');
  const name = voice.kind === 'clone' ? voice.name : voice.id;
  return facts.length ? `${name} (${facts.join(', ')})` : name;
}

// Fills `select`; keeps the current choice, or picks `prefer` when given. Returns the voices.
export async function loadVoices(select, prefer) {
  const { voices } = await callJson('/v1/voices');
  const keep = prefer || select.value;
  select.replaceChildren();
  for (const [group, label] of GROUPS) {
    const members = voices.filter((v) => groupOf(v) === group && v.status === 'ready');
    if (!members.length) continue;
    const optgroup = document.createElement('optgroup');
    optgroup.label = label;
    for (const v of members) {
      const option = new Option(describe(v), v.id);
      option.dataset.language = v.language || '';
      option.dataset.gender = v.gender || '';
      optgroup.append(option);
    }
    select.append(optgroup);
  }
  if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
  return voices;
}
