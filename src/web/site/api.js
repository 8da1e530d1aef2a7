// Talking to this server: the API key from local storage, and API errors turned into words
// shown next to the control that caused them.

const KEY_STORAGE = 'vox.apiKey';

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || '';
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

// An API error: status, the server's code and message, and the request field at fault.
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || '';
  }
}

// fetch() against this origin only (relative paths) with the key. Resolves to the Response
// when it is 2xx; rejects with an ApiError otherwise (network failures included).
export async function call(path, options = {}) {
  if (!path.startsWith('/')) throw new Error('only paths on this server');
  const headers = new Headers(options.headers || {});
  const key = apiKey();
  if (key) headers.set('Authorization', `Bearer ${key}`);
  let response;
  try {
    response = await fetch(path, { ...options, headers, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', 'The server could not be reached. Is it still running?');
  }
  if (response.ok) return response;
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  const error = body && body.error ? body.error : {};
  throw new ApiError(response.status, error.code || 'http_' + response.status,
                     plainWords(response.status, error.message), error.field);
}

export async function callJson(path, options = {}) {
  const response = await call(path, options);
  return response.json();
}

function plainWords(status, message) {
  const detail = message ? `: ${message}` : '.';
  if (status === 401) return `The API key was not accepted${detail}`;
  if (status === 403) return `This key may not do that${detail}`;
  if (status === 413) return 'The upload is too large for this server.';
  if (status === 429) return `Too many requests; wait a moment and try again${detail}`;
  if (status === 503) return `The server is busy or this feature is unavailable${detail}`;
  if (status >= 500) return `The server failed${detail}`;
  return message || `The request failed (HTTP ${status}).`;
}

// Error display. `fields` maps an API field name to the id of the control it belongs to;
// an error naming no known field is shown at `fallbackId`'s error line. 401 goes to the key.
export class ErrorSlots {
  constructor(fields, fallbackId) {
    this.fields = fields;
    this.fallbackId = fallbackId;
    this.shown = [];
  }

  clear() {
    for (const id of this.shown) {
      errorLine(id).textContent = '';
      const control = document.getElementById(id);
      if (control) control.removeAttribute('aria-invalid');
    }
    this.shown = [];
  }

  show(error, controlId) {
    let id = controlId;
    if (!id && error instanceof ApiError) {
      id = error.status === 401 ? 'key' : this.fields[error.field];
    }
    id = id || this.fallbackId;
    errorLine(id).textContent = error.message;
    const control = document.getElementById(id);
    if (control && control.matches('input, select, textarea')) {
      control.setAttribute('aria-invalid', 'true');
    }
    this.shown.push(id);
  }
}

function errorLine(id) {
  return document.getElementById(`${id}-error`);
}
