// Drives the web playground at "/" in Debian's chromium (headless) with playwright-core:
//   node playground.mjs CONFIG_FILE
// CONFIG_FILE holds JSON: {url, key, chromium, dir, samples, consent_wav, consent_seconds, speaker,
//               issued, timeout_ms}
// consent_wav is what the fake microphone hears: the reading of `issued`, a statement with its
// one-time challenge that the server issued to `key` before the browser started (Chrome reads
// the fake microphone's file at launch). The page's own request for a statement is answered
// with it, so what the page shows, uploads and the server checks is that real challenge. On any failure a screenshot is written to
// DIR/failure.png (its path printed on stderr) and the exit code is 1. On success one JSON
// summary goes to stdout for the C++ test (web_e2e_test.cc) to judge.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const { chromium } = require(path.join(here, '../services/node_modules/playwright-core'));

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const summary = { steps: [], console_errors: [] };
const started = Date.now();

function step(name) {
  summary.steps.push({ name, at_ms: Date.now() - started });
}

// Fails the run after `ms` whatever it waits on: a hung browser must not hang the suite.
let page = null;
const watchdog = setTimeout(async () => {
  console.error(`playground: gave up after ${config.timeout_ms} ms; ` +
                `summary so far: ${JSON.stringify(summary)}`);
  if (page) await screenshot().catch(() => {});
  process.exit(1);
}, config.timeout_ms);

async function screenshot() {
  const shot = path.join(config.dir, 'failure.png');
  await page.screenshot({ path: shot, fullPage: true, timeout: 5000 });
  console.error(`screenshot: ${shot}`);
}
step('launching');

const browser = await chromium.launch({
  executablePath: config.chromium,
  headless: true,
  timeout: 30000,
  args: [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${config.consent_wav}%noloop`,
    '--autoplay-policy=no-user-gesture-required',
    '--no-sandbox',  // root in CI containers
  ],
});
const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
await context.grantPermissions(['microphone'], { origin: config.url });
page = await context.newPage();
step('launched');
page.setDefaultTimeout(30000);
// Requests the test provokes on purpose (an empty text) fail with 4xx; the browser logs each
// such failed load. Those are allowed while `expectFailedLoads` is set, nothing else is.
let expectFailedLoads = false;
page.on('console', (message) => {
  if (message.type() !== 'error') return;
  if (expectFailedLoads && message.text().startsWith('Failed to load resource')) return;
  summary.console_errors.push(message.text());
});
page.on('pageerror', (error) => summary.console_errors.push(`page error: ${error.message}`));

// Seeks into the second word's time span; returns the words then marked as spoken.
async function markSecondWord() {
  await page.$eval('#words .word:nth-child(2)', (span) => {
    document.querySelector('#player').currentTime =
        (Number(span.dataset.start) + Number(span.dataset.end)) / 2;
  });
  await page.locator('#words .word.spoken').first().waitFor({ timeout: 5000 });
  return page.locator('#words .word.spoken').allTextContents();
}

async function audioFacts(selector) {
  return page.$eval(selector, (a) => ({
    src: a.currentSrc, duration: a.duration, ready_state: a.readyState,
    error: a.error ? a.error.message || String(a.error.code) : null, state: a.dataset.state,
  }));
}

try {
  // --- load -------------------------------------------------------------------------------
  const response = await page.goto(config.url + '/');
  summary.status = response.status();
  summary.csp = response.headers()['content-security-policy'];
  summary.title = await page.title();
  await page.getByText('Paste an API key').waitFor();
  step('loaded');

  // --- key --------------------------------------------------------------------------------
  await page.getByLabel('API key').fill(config.key);
  await page.getByLabel('API key').press('Tab');
  summary.stored_key = await page.evaluate(() => localStorage.getItem('vox.apiKey')) === config.key;
  const voice = page.getByLabel('Voice');
  await page.waitForFunction(() => document.querySelectorAll('#voice option').length > 0);
  summary.voice_groups = await voice.locator('optgroup').evaluateAll(
      (groups) => groups.map((g) => ({ label: g.label, options: g.children.length })));
  summary.first_voice = await voice.locator('option').first().textContent();
  step('voices');

  // --- errors in words, next to the control -------------------------------------------------
  expectFailedLoads = true;
  await page.getByLabel('Text').fill('   ');
  await page.getByRole('button', { name: 'Speak' }).click();
  await page.locator('#text-error:not(:empty)').waitFor();
  summary.empty_text_error = await page.locator('#text-error').textContent();
  summary.text_marked_invalid = await page.getByLabel('Text').getAttribute('aria-invalid');
  // The SSML switch sends text_type "ssml": spoken (an error would show next to the text).
  await page.getByLabel('Text').fill('<speak>Hello <break time="200ms"/> there.</speak>');
  await page.getByLabel('SSML').check();
  await page.getByRole('button', { name: 'Speak' }).click();
  await page.waitForFunction(() => document.querySelector('#text-error').textContent ||
                                   document.querySelector('#player').dataset.state === 'done');
  summary.ssml_outcome = await page.locator('#text-error').textContent() || 'spoken';
  await page.getByLabel('SSML').uncheck();
  expectFailedLoads = false;
  step('errors');

  // --- speak ------------------------------------------------------------------------------
  await page.$eval('#player', (a) => { delete a.dataset.state; });
  await page.getByLabel('Text').fill(
      'The quick brown fox jumps over the lazy dog. Streaming audio plays while it is made.');
  await page.getByLabel('Format').selectOption('mp3');
  await page.getByLabel('Speed').fill('1');
  summary.media_source = await page.evaluate(
      () => 'MediaSource' in window && MediaSource.isTypeSupported('audio/mpeg'));
  await page.getByRole('button', { name: 'Speak' }).click();
  await page.waitForFunction(() => document.querySelector('#player').dataset.state === 'done');
  summary.text_error_after_speak = await page.locator('#text-error').textContent();
  await page.waitForFunction(() => {
    const a = document.querySelector('#player');
    return a.readyState >= 1 && Number.isFinite(a.duration) && a.duration > 0;
  });
  summary.speech = await audioFacts('#player');
  summary.download = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
  step('spoke');

  // --- words highlighted from the finished job's timestamps ---
  await page.waitForFunction(() => document.querySelector('#player').dataset.words);
  summary.words = await page.$eval('#player', (a) => a.dataset.words);
  summary.timestamps = await page.evaluate(async () => {
    const a = document.querySelector('#player');
    const r = await fetch(`/v1/tts/job/${a.dataset.jobId}`, {
      headers: { Authorization: `Bearer ${localStorage.getItem('vox.apiKey')}` },
    });
    const job = await r.json();
    return Array.isArray(job.timestamps) ? job.timestamps.length : 0;
  });
  summary.word_spans = await page.locator('#words .word').count();
  if (summary.timestamps) summary.word_marked = await markSecondWord();

  // --- a format MediaSource does not take: played from a blob once complete -------------------
  await page.$eval('#player', (a) => { delete a.dataset.state; });
  await page.getByLabel('Format').selectOption('wav');
  await page.getByLabel('Text').fill('This one arrives whole, as a wave file.');
  await page.getByRole('button', { name: 'Speak' }).click();
  await page.waitForFunction(() => {
    const a = document.querySelector('#player');
    return a.dataset.state === 'done' && a.readyState >= 1 && a.duration > 0;
  });
  summary.wav = await audioFacts('#player');
  summary.wav_download = await page.getByRole('link', { name: 'Download' }).getAttribute('download');
  await page.getByLabel('Format').selectOption('mp3');

  // --- jobs -------------------------------------------------------------------------------
  await page.getByRole('button', { name: 'Refresh jobs' }).click();
  await page.locator('#jobs li .badge.done').first().waitFor();
  summary.jobs = await page.locator('#jobs li').count();
  summary.first_job = await page.locator('#jobs li').first().textContent();
  summary.usage = await page.locator('#usage').textContent();
  step('jobs');

  // --- clone with the fake microphone ---------------------------------------------------------
  await page.getByLabel('Name', { exact: true }).fill('Playground voice');
  await page.getByLabel('Speaker name').fill(config.speaker);
  await page.getByLabel('Samples').setInputFiles(config.samples);
  await page.route('**/v1/voice/consent-statement*',
                   (route) => route.fulfill({ json: config.issued }));
  await page.getByRole('button', { name: 'Record consent' }).click();
  await page.locator('#stop:not([disabled])').waitFor();
  summary.statement = await page.locator('#consent-statement').textContent();
  await page.waitForTimeout(Math.round(config.consent_seconds * 1000) + 600);
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.locator('#consent-preview:not(.hidden)').waitFor();
  summary.record_status = await page.locator('#record-status').textContent();
  await page.getByRole('button', { name: 'Create voice' }).click();
  await page.waitForFunction(() => /is ready/.test(document.querySelector('#clone-status').textContent) ||
                                   document.querySelector('#clone-error').textContent,
                             null, { timeout: config.timeout_ms });  // the watchdog bounds it
  summary.clone_status = await page.locator('#clone-status').textContent();
  summary.clone_error = await page.locator('#clone-error').textContent();
  summary.clones_listed = await page.locator('#voice optgroup[label="Your clones"] option')
      .allTextContents();
  summary.selected_voice = await voice.locator('option:checked').textContent();
  step('cloned');

  // --- keyboard: every control is reached with Tab ------------------------------------------
  await page.getByLabel('API key').focus();
  const reached = new Set();
  for (let i = 0; i < 30; ++i) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement.id));
  }
  summary.tab_reached = [...reached].filter(Boolean);

  // --- a 375 px wide screen -------------------------------------------------------------------
  await page.setViewportSize({ width: 375, height: 800 });
  summary.narrow = await page.evaluate(() => ({
    scroll_width: document.documentElement.scrollWidth,
    client_width: document.documentElement.clientWidth,
  }));
  step('narrow');
  summary.elapsed_ms = Date.now() - started;
  console.log(JSON.stringify(summary));
} catch (error) {
  console.error(`playground: ${error.stack || error}\n` +
                `summary so far: ${JSON.stringify(summary)}`);
  await screenshot().catch(() => {});
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await browser.close().catch(() => {});
}
