#!/usr/bin/env node
// The live preview of `rounds serve` in a real browser.
//
//   node tests/browser/reload.mjs POST_URL SITE_ROOT
//
// POST_URL is a page that `rounds serve --root SITE_ROOT` is serving, built
// from SITE_ROOT/content/blog/bp.md (body "First version."); the site's
// SITE_ROOT/static/style.css is the stylesheet the page links as /style.css.
// In Debian's Chromium (puppeteer-core; never a downloaded browser), with the
// page open, this script edits those files on disk and checks, step by step:
//   1. open: the page shows "First version.", has the live script, and its
//      event stream opens;
//   2. reload: after the post is edited to "Second version.", the page
//      reloads by itself (a new document: the marker set on `window` is gone)
//      and shows "Second version.";
//   3. css: after a rule is appended to style.css, the page does NOT reload
//      (the marker stays), the /style.css link's href gains a `rounds=` query
//      and the new rule applies;
//   4. error: after the post's front matter is broken (no closing +++),
//      #rounds-error-overlay appears naming bp.md, the page is not reloaded
//      and still shows "Second version." behind it;
//   5. fixed: after the post is fixed ("Third version."), the page reloads by
//      itself, the overlay is gone and "Third version." shows.
// Nothing here reloads the page: every reload comes from the page's script.
//
// Prints a JSON summary on stdout. Exit status: 0 when every step passes, 1
// when a step fails (the message on stderr names it), 2 when the harness
// itself could not run (bad arguments, no Chromium, time-out).
//
// Environment: CHROMIUM (default /usr/bin/chromium); RELOAD_STEP_SECONDS
// (default 20) bounds each wait; RELOAD_TIMEOUT_SECONDS (default 300) bounds
// the whole run.

import { readFileSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--hide-scrollbars',
  '--font-render-hinting=none',
];

const seconds = (name, fallback) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const STEP_MS = seconds('RELOAD_STEP_SECONDS', 20) * 1000;
const TOTAL_MS = seconds('RELOAD_TIMEOUT_SECONDS', 300) * 1000;
// How long a page must stay put to count as "not reloaded".
const SETTLE_MS = 1500;
const SWAP_PROPERTY = '--rounds-test-swap';

const post = (body, title = 'BP') => `+++\ntitle = "${title}"\ndate = 2026-01-01\n+++\n\n${body}\n`;

function usage(message) {
  if (message) console.error(`reload.mjs: ${message}`);
  console.error('usage: node tests/browser/reload.mjs POST_URL SITE_ROOT');
  process.exit(2);
}

class StepFailed extends Error {
  constructor(step, message) {
    super(message);
    this.step = step;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------- in the page --
// Runs before the page's own scripts on every new document: keeps each
// EventSource the page opens, so that the test can wait until the live
// script is listening (a save before that would go unheard).
function inPageTrackEventSources() {
  const Native = window.EventSource;
  window.__roundsSources = [];
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      window.__roundsSources.push(this);
      for (const name of ['reload', 'css', 'error']) {
        this.addEventListener(name, () => window.__roundsSaw?.(name));
      }
    }
  };
}

// What the page shows now; runs in the page.
function inPageState(swapProperty) {
  const main = document.getElementById('main');
  const overlay = document.getElementById('rounds-error-overlay');
  const style = [...document.querySelectorAll('link[rel="stylesheet"]')].find(
    (l) => new URL(l.href, location.href).pathname === '/style.css',
  );
  return {
    marker: window.__roundsMarker ?? null,
    readyState: document.readyState,
    main: main ? main.innerText : null,
    overlay: overlay ? overlay.innerText : null,
    overlayVisible: overlay ? overlay.checkVisibility() : false,
    liveScript: !!document.querySelector('script[src="/_rounds/live.js"]'),
    listening: (window.__roundsSources || []).some((s) => s.readyState === 1 && s.url.endsWith('/_rounds/events')),
    styleHref: style ? style.href : null,
    swapped: getComputedStyle(document.documentElement).getPropertyValue(swapProperty).trim(),
  };
}

// --------------------------------------------------------------- harness --

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) usage();
  if (args.length !== 2) usage('expected POST_URL and SITE_ROOT');
  const [url, root] = args;
  try {
    new URL(url);
  } catch {
    usage(`not a URL: ${url}`);
  }
  const postFile = path.join(root, 'content/blog/bp.md');
  const cssFile = path.join(root, 'static/style.css');
  for (const f of [postFile, cssFile]) if (!existsSync(f)) usage(`missing ${f}`);

  const deadline = setTimeout(() => {
    console.error(`reload.mjs: time-out: the whole run took more than ${TOTAL_MS / 1000} s`);
    process.exit(2);
  }, TOTAL_MS);
  deadline.unref();

  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  } catch (err) {
    console.error(`reload.mjs: cannot start ${executablePath}: ${err.message || err}`);
    process.exit(2);
  }

  const report = { url, root, browser: await browser.version(), steps: [], navigations: 0, events: [], scriptErrors: [] };
  const started = Date.now();
  let failure = null;
  try {
    const page = await browser.newPage();
    await page.exposeFunction('__roundsSaw', (name) => report.events.push({ name, at: Date.now() - started }));
    await page.evaluateOnNewDocument(inPageTrackEventSources);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) report.navigations++;
    });
    page.on('pageerror', (err) => report.scriptErrors.push(String(err.message || err).split('\n')[0]));

    const state = async () => {
      // A reload in progress destroys the context the evaluation runs in.
      try {
        return await page.evaluate(inPageState, SWAP_PROPERTY);
      } catch {
        return null;
      }
    };
    // Polls until `done(state)` holds, or fails the step with `why(state)`;
    // `abort(state)` fails it at once (e.g. the page reloaded when it must not).
    const waitFor = async (step, done, why, abort = null) => {
      const until = Date.now() + STEP_MS;
      let last = null;
      for (;;) {
        const s = await state();
        if (s && s.readyState !== 'loading') {
          last = s;
          if (abort) {
            const reason = abort(s);
            if (reason) throw new StepFailed(step, reason);
          }
          if (done(s)) return s;
        }
        if (Date.now() > until) {
          throw new StepFailed(step, `after ${STEP_MS / 1000} s: ${why(last)} (page state: ${JSON.stringify(last)})`);
        }
        await sleep(100);
      }
    };
    const setMarker = async (value) => {
      await page.evaluate((v) => {
        window.__roundsMarker = v;
      }, value);
    };
    const step = async (name, run) => {
      const t = Date.now();
      const detail = await run();
      report.steps.push({ step: name, ok: true, ms: Date.now() - t, ...detail });
    };
    const has = (s, text) => s && s.main !== null && s.main.includes(text);

    // 1. The page as first built, listening for rebuilds.
    await step('open', async () => {
      const response = await page.goto(url, { waitUntil: 'load' });
      const status = response ? response.status() : 0;
      if (status !== 200) throw new StepFailed('open', `${url} answered ${status}, expected 200`);
      const s = await waitFor(
        'open',
        (s) => s.listening,
        (s) => (s && !s.liveScript ? 'the page has no <script src="/_rounds/live.js">' : 'the page never opened its /_rounds/events stream'),
      );
      if (!s.liveScript) throw new StepFailed('open', 'the page has no <script src="/_rounds/live.js">');
      if (s.main === null) throw new StepFailed('open', 'the page has no #main');
      if (!has(s, 'First version.')) throw new StepFailed('open', `the page does not show "First version.": ${JSON.stringify(s.main)}`);
      if (!s.styleHref) throw new StepFailed('open', 'the page links no /style.css stylesheet');
      if (s.styleHref.includes('rounds=')) throw new StepFailed('open', `the stylesheet is already stamped: ${s.styleHref}`);
      if (s.swapped) throw new StepFailed('open', `${SWAP_PROPERTY} is set before the stylesheet was edited: ${s.swapped}`);
      if (s.overlay !== null) throw new StepFailed('open', `an error overlay shows on a good build: ${s.overlay}`);
      return { styleHref: s.styleHref };
    });

    // 2. A save reloads the page by itself.
    await step('reload', async () => {
      await setMarker(1);
      const navigations = report.navigations;
      const text = readFileSync(postFile, 'utf8');
      if (!text.includes('First version.')) throw new StepFailed('reload', `${postFile} does not say "First version."`);
      writeFileSync(postFile, text.replace('First version.', 'Second version.'));
      const s = await waitFor(
        'reload',
        (s) => s.marker === null && has(s, 'Second version.') && s.listening,
        (s) =>
          s && s.marker !== null
            ? 'the page did not reload itself after the post was edited'
            : 'the reloaded page does not show "Second version." (or does not listen for rebuilds)',
      );
      if (has(s, 'First version.')) throw new StepFailed('reload', 'the reloaded page still shows "First version."');
      if (report.navigations <= navigations) throw new StepFailed('reload', 'no navigation of the page was seen');
      return { navigations: report.navigations - navigations };
    });

    // 3. A stylesheet edit swaps the stylesheet without a reload.
    await step('css', async () => {
      await setMarker(2);
      const navigations = report.navigations;
      const reloaded = (s) => (s.marker !== 2 ? 'the page reloaded after a stylesheet-only edit (marker gone); expected a CSS swap' : null);
      appendFileSync(cssFile, `\n:root { ${SWAP_PROPERTY}: applied; }\n`);
      const stamped = await waitFor(
        'css',
        (s) => s.styleHref && /[?&]rounds=\d+/.test(s.styleHref),
        (s) => `the /style.css link was not re-stamped with ?rounds= (href ${s && s.styleHref})`,
        reloaded,
      );
      await waitFor(
        'css',
        (s) => s.swapped === 'applied',
        (s) => `the swapped stylesheet does not apply the new rule (${SWAP_PROPERTY} is ${JSON.stringify(s && s.swapped)})`,
        reloaded,
      );
      // Nothing reloads it a moment later either.
      await sleep(SETTLE_MS);
      const after = await state();
      if (!after || after.marker !== 2) throw new StepFailed('css', 'the page reloaded shortly after the stylesheet swap');
      if (report.navigations !== navigations) throw new StepFailed('css', `the page navigated ${report.navigations - navigations} time(s) during a stylesheet-only edit`);
      if (!has(after, 'Second version.')) throw new StepFailed('css', 'the page no longer shows "Second version."');
      return { styleHref: stamped.styleHref };
    });

    // 4. A broken build shows the error over the last good page.
    await step('error', async () => {
      await setMarker(3);
      const navigations = report.navigations;
      // No closing +++: the front matter never ends.
      writeFileSync(postFile, '+++\ntitle = "BP"\ndate = 2026-01-01\n\nBroken version.\n');
      const s = await waitFor(
        'error',
        (s) => s.overlay !== null,
        () => 'no #rounds-error-overlay appeared after the front matter was broken',
        (s) => (s.marker !== 3 ? 'the page reloaded on a failed build; expected the error overlay over the last good page' : null),
      );
      if (!s.overlay.includes('bp.md')) throw new StepFailed('error', `the overlay does not name bp.md: ${JSON.stringify(s.overlay)}`);
      if (!s.overlayVisible) throw new StepFailed('error', 'the overlay is in the page but not visible');
      if (!has(s, 'Second version.')) throw new StepFailed('error', `the page behind the overlay does not show "Second version.": ${JSON.stringify(s.main)}`);
      if (has(s, 'Broken version.')) throw new StepFailed('error', 'the page behind the overlay shows the broken post');
      if (report.navigations !== navigations) throw new StepFailed('error', 'the page navigated on a failed build');
      return { overlay: s.overlay.split('\n').find((l) => l.includes('bp.md')) };
    });

    // 5. Fixing it reloads the page, without the overlay.
    await step('fixed', async () => {
      const navigations = report.navigations;
      writeFileSync(postFile, post('Third version.'));
      const s = await waitFor(
        'fixed',
        (s) => s.marker === null && s.overlay === null && has(s, 'Third version.') && s.listening,
        (s) =>
          s && s.marker !== null
            ? `the page did not reload itself after the post was fixed (overlay ${s.overlay === null ? 'gone' : 'still shown'})`
            : s && s.overlay !== null
              ? 'the error overlay is still shown after the fix'
              : 'the reloaded page does not show "Third version."',
      );
      if (report.navigations <= navigations) throw new StepFailed('fixed', 'no navigation of the page was seen');
      if (!s.main.includes('Third version.')) throw new StepFailed('fixed', 'the page does not show "Third version."');
      return {};
    });

    if (report.scriptErrors.length) {
      throw new StepFailed('script-errors', `script errors on the page: ${report.scriptErrors.join(' | ')}`);
    }
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    failure = { step: err.step, message: err.message };
  } finally {
    await browser.close().catch(() => {});
  }

  report.ok = failure === null;
  report.failure = failure;
  report.ms = Date.now() - started;
  console.log(JSON.stringify(report, null, 2));
  if (failure) {
    console.error(`reload.mjs: step "${failure.step}" failed: ${failure.message}`);
    process.exit(1);
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(`reload.mjs: ${err && err.stack ? err.stack : err}`);
  process.exit(2);
});
