#!/usr/bin/env node
// Real-browser checks of a built Rounds site (the clinic theme).
//
//   node tests/browser/check.mjs SITE_DIR OUT_DIR [--page PATH]...
//
// Serves SITE_DIR on 127.0.0.1 (a random free port), opens a set of pages in
// Debian's Chromium (puppeteer-core; never a downloaded browser) and, on each:
//   - runs axe-core (WCAG 2.0/2.1/2.2 A and AA, and best practices) in the
//     light and the dark colour scheme, at a 390 px phone width, and in print
//     emulation from the dark scheme;
//   - saves full-page screenshots to OUT_DIR (1280 px light and dark, 390 px
//     light, and printed from dark mode), named PAGE-WIDTH-SCHEME.png;
//   - fails on any request that leaves the local server (third-party
//     requests), on a local resource that is missing, and on script errors;
//   - checks one h1, <html lang>, a skip link to #main that is the first thing
//     Tab reaches and that shows a focus indicator, and tap targets of at
//     least 24x24 CSS px in the header, navigation, footer, share box and
//     pagination (WCAG 2.5.8; links inside a sentence are exempt);
// and loads the home page once with JavaScript disabled: its h1 must show.
//
// The site must be built for the local server, i.e. with root-relative
// links: `rounds build --root example-site --output DIR --base-url /`.
// A site built for its real address makes the browser fetch its CSS from
// that address, which this script reports as a third-party request.
//
// Writes OUT_DIR/report.json and prints one line per problem. Exit status:
// 0 when everything passes, 1 on any violation or failed check, 2 when the
// harness itself could not run (bad arguments, no Chromium, time-out).
//
// Environment: CHROMIUM (default /usr/bin/chromium); CHECK_TIMEOUT_SECONDS
// (default 600) bounds the whole run.

import { createServer } from 'node:http';
import { readFile, stat, mkdir, realpath } from 'node:fs/promises';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);

// The pages of the example site under test: [path, short name, expected
// HTTP status, expected <html lang> prefix or null].
const DEFAULT_PAGES = [
  ['/', 'home', 200, 'en'],
  ['/blog/heart-attack-signs/', 'patient-post', 200, 'en'],
  ['/for-physicians/hs-crp-when-it-helps/', 'physician-page', 200, 'en'],
  ['/for-physicians/', 'physician-section', 200, 'en'],
  // The example site has no `prevention` tag (prevention is a category);
  // lab-tests is a tag with two pages, so it covers .pagination too.
  ['/tags/lab-tests/', 'tag-page', 200, 'en'],
  ['/categories/prevention/', 'category-page', 200, 'en'],
  ['/authors/patel/', 'doctor-page', 200, 'en'],
  ['/blog/presion-arterial-consejos/', 'spanish-post', 200, 'es'],
  // Taglines in Spanish, Vietnamese, Chinese and Arabic (right to left).
  ['/language-assistance/', 'language-access', 200, 'en'],
  ['/no-such-page/', 'not-found', 404, 'en'],
];

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 390, height: 844 };
const MIN_TARGET = 24;
const TAP_SCOPE = 'header, nav, footer, .share, .pagination';
export const CHROMIUM_ARGS = [
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

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.vtt': 'text/vtt; charset=utf-8',
};
const FEED_TYPES = { 'rss.xml': 'application/rss+xml; charset=utf-8', 'atom.xml': 'application/atom+xml; charset=utf-8' };

function usage(message) {
  if (message) console.error(`check.mjs: ${message}`);
  console.error('usage: node tests/browser/check.mjs SITE_DIR OUT_DIR [--page PATH]...');
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  const pages = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--page') {
      const p = argv[++i];
      if (!p || !p.startsWith('/')) usage('--page needs a path starting with /');
      pages.push(p);
    } else if (arg === '-h' || arg === '--help') {
      usage();
    } else if (arg.startsWith('-')) {
      usage(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) usage('expected SITE_DIR and OUT_DIR');
  let selected = DEFAULT_PAGES;
  if (pages.length) {
    selected = pages.map((p) => {
      const known = DEFAULT_PAGES.find(([q]) => q === p);
      if (known) return known;
      const name = p.replace(/^\/|\/$/g, '').replace(/[^A-Za-z0-9]+/g, '-') || 'root';
      return [p, name, 200, null];
    });
  }
  return { siteDir: positional[0], outDir: positional[1], pages: selected };
}

// ---------------------------------------------------------------- server --

async function isFile(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(p) {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function contentType(file) {
  const base = path.basename(file);
  if (FEED_TYPES[base]) return FEED_TYPES[base];
  return CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

// A static file server like a typical host's: index.html for folders, a
// redirect from /folder to /folder/, and 404.html with status 404.

export function startServer(root) {
  const served = [];
  const server = createServer(async (req, res) => {
    const send = (status, type, body, headers = {}) => {
      served.push({ method: req.method, url: req.url, status });
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
      }
      const url = new URL(req.url, 'http://localhost');
      let rel;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        return send(400, 'text/plain; charset=utf-8', 'bad request\n');
      }
      const file = path.join(root, path.normalize(rel));
      if (rel.includes('\0') || (file !== root && !file.startsWith(root + path.sep))) {
        return send(403, 'text/plain; charset=utf-8', 'forbidden\n');
      }
      if (await isDir(file)) {
        if (!url.pathname.endsWith('/')) {
          return send(301, 'text/plain; charset=utf-8', '', { Location: url.pathname + '/' + url.search });
        }
        const index = path.join(file, 'index.html');
        if (await isFile(index)) return send(200, contentType(index), await readFile(index));
      } else if (await isFile(file)) {
        return send(200, contentType(file), await readFile(file));
      }
      const notFound = path.join(root, '404.html');
      if (await isFile(notFound)) return send(404, contentType(notFound), await readFile(notFound));
      return send(404, 'text/plain; charset=utf-8', 'not found\n');
    } catch (err) {
      return send(500, 'text/plain; charset=utf-8', `${err}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ server, origin: `http://127.0.0.1:${port}`, served });
    });
  });
}

// --------------------------------------------------------- in-page checks --
// These functions run inside the page (page.evaluate), so they must not use
// anything from this module.

function inPageStructure() {
  const focusable = [
    'a[href]',
    'area[href]',
    'button:not([disabled])',
    'input:not([disabled]):not([type="hidden"])',
    'select:not([disabled])',
    'textarea:not([disabled])',
    'summary',
    'iframe',
    '[tabindex]',
    '[contenteditable=""]',
    '[contenteditable="true"]',
  ].join(',');
  const describe = (el) => {
    if (!el) return null;
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const href = el.getAttribute('href');
    if (href) s += `[href="${href}"]`;
    return s;
  };
  const candidates = [...document.querySelectorAll(focusable)].filter(
    (el) => el.tabIndex >= 0 && !el.closest('[inert]') && el.checkVisibility({ visibilityProperty: true }),
  );
  // Tab order: positive tabindex first (ascending), then document order.
  const positive = candidates.filter((el) => el.tabIndex > 0).sort((a, b) => a.tabIndex - b.tabIndex);
  const ordered = [...positive, ...candidates.filter((el) => el.tabIndex === 0)];
  const first = ordered[0] || null;
  return {
    h1Count: document.querySelectorAll('h1').length,
    h1Texts: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim().replace(/\s+/g, ' ')),
    lang: document.documentElement.getAttribute('lang'),
    firstFocusable: describe(first),
    firstFocusableHref: first ? first.getAttribute('href') : null,
    mainExists: !!document.getElementById('main'),
    mainTag: document.getElementById('main')?.tagName.toLowerCase() ?? null,
  };
}

function inPageFocused() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { tag: null };
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  let s = el.tagName.toLowerCase();
  if (el.id) s += `#${el.id}`;
  if (el.classList.length) s += '.' + [...el.classList].join('.');
  return {
    tag: el.tagName.toLowerCase(),
    selector: s,
    href: el.getAttribute('href'),
    text: el.textContent.trim().replace(/\s+/g, ' '),
    focusVisible: el.matches(':focus-visible'),
    outlineStyle: cs.outlineStyle,
    outlineWidth: parseFloat(cs.outlineWidth) || 0,
    outlineColor: cs.outlineColor,
    boxShadow: cs.boxShadow,
    rect: { x: r.x, y: r.y, width: r.width, height: r.height },
    viewport: { width: innerWidth, height: innerHeight },
  };
}

function inPageTapTargets(scope, min) {
  const blocky = (el) => !getComputedStyle(el).display.startsWith('inline') && getComputedStyle(el).display !== 'contents';
  // Words of text in `block` that are not inside a link or button.
  const wordsOutsideTargets = (block) => {
    let text = '';
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest('a, button')) text += ' ' + n.data;
    }
    return (text.match(/\p{L}[\p{L}\p{N}'’-]*/gu) || []).length;
  };
  // A readable CSS path that names one element: up to the nearest id, or
  // to <body>.
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) {
        parts.unshift(`${s}#${CSS.escape(e.id)}`);
        break;
      }
      if (e.classList.length) s += '.' + [...e.classList].map((c) => CSS.escape(c)).join('.');
      const label = e.getAttribute('aria-labelledby') || e.getAttribute('aria-label');
      if (label && e !== el) s += `[${e.hasAttribute('aria-label') ? 'aria-label' : 'aria-labelledby'}="${label}"]`;
      const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.tagName === e.tagName) : [];
      if (same.length > 1 && !e.classList.length) s += `:nth-of-type(${same.indexOf(e) + 1})`;
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const out = [];
  const exempt = [];
  const seen = new Set();
  for (const container of document.querySelectorAll(scope)) {
    for (const el of container.querySelectorAll('a, button')) {
      if (seen.has(el)) continue;
      seen.add(el);
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.width >= min && r.height >= min) continue;
      // WCAG 2.5.8 "inline" exception: a link inside a sentence of text.
      let block = el.parentElement;
      while (block && block !== document.body && !blocky(block)) block = block.parentElement;
      const inline = getComputedStyle(el).display === 'inline';
      if (inline && block && wordsOutsideTargets(block) >= 3) {
        exempt.push({ target: describe(el), text: el.textContent.trim().slice(0, 60), width: r.width, height: r.height, reason: 'inline in a sentence' });
        continue;
      }
      // WCAG 2.5.8 "spacing" exception, reported for information only.
      const cx = r.x + r.width / 2;
      const cy = r.y + r.height / 2;
      let spaced = true;
      for (const other of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
        if (other === el || !other.checkVisibility({ visibilityProperty: true })) continue;
        const o = other.getBoundingClientRect();
        if (o.width === 0 && o.height === 0) continue;
        const nx = Math.max(o.left, Math.min(cx, o.right));
        const ny = Math.max(o.top, Math.min(cy, o.bottom));
        if (Math.hypot(cx - nx, cy - ny) < min / 2) {
          spaced = false;
          break;
        }
      }
      out.push({
        target: describe(el),
        text: (el.textContent || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 60),
        width: Math.round(r.width * 10) / 10,
        height: Math.round(r.height * 10) / 10,
        spacingExceptionWouldApply: spaced,
      });
    }
  }
  return { small: out, exempt };
}

function inPageNoJs() {
  const h1 = document.querySelector('h1');
  if (!h1) return { ok: false, why: 'no h1' };
  const r = h1.getBoundingClientRect();
  const cs = getComputedStyle(h1);
  const text = h1.textContent.trim();
  const visible =
    h1.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
    r.width > 0 &&
    r.height > 0 &&
    r.bottom > 0 &&
    r.right > 0 &&
    cs.color !== 'rgba(0, 0, 0, 0)';
  const why = !text ? 'the h1 is empty' : visible ? '' : `the h1 "${text}" is not visible (visibility ${cs.visibility}, opacity ${cs.opacity}, display ${cs.display}, box ${Math.round(r.width)}x${Math.round(r.height)} at ${Math.round(r.x)},${Math.round(r.y)})`;
  return { ok: visible && text.length > 0, why, text, rect: { x: r.x, y: r.y, width: r.width, height: r.height }, color: cs.color };
}

// ----------------------------------------------------------------- runner --

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const siteDir = await realpath(args.siteDir).catch(() => usage(`no such folder: ${args.siteDir}`));
  if (!(await isDir(siteDir))) usage(`not a folder: ${args.siteDir}`);
  const outDir = path.resolve(args.outDir);
  await mkdir(outDir, { recursive: true });
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!(await isFile(executablePath))) {
    console.error(`check.mjs: no Chromium at ${executablePath}: run ./scripts/test (it installs Debian's chromium)`);
    process.exit(2);
  }
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const axeVersion = require('axe-core/package.json').version;

  const limit = Number(process.env.CHECK_TIMEOUT_SECONDS || 600);
  const timer = setTimeout(() => {
    console.error(`check.mjs: gave up after ${limit} s`);
    process.exit(2);
  }, limit * 1000);
  timer.unref();

  const { server, origin, served } = await startServer(siteDir);
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    defaultViewport: WIDE,
    protocolTimeout: 120_000,
  });
  const failures = [];
  const report = {
    site: siteDir,
    origin,
    browser: await browser.version(),
    axe: axeVersion,
    axeTags: AXE_TAGS,
    pages: [],
    failures,
  };

  const fail = (f) => failures.push(f);

  try {
    for (const [pagePath, name, wantStatus, wantLang] of args.pages) {
      const entry = { path: pagePath, name, runs: [], requests: [], screenshots: [], checks: {} };
      report.pages.push(entry);
      const page = await browser.newPage();
      page.setDefaultTimeout(60_000);
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const url = req.url();
        const local = url.startsWith(origin + '/') || /^(data|blob|about):/.test(url);
        entry.requests.push({ url, type: req.resourceType(), local });
        if (local) {
          req.continue().catch(() => {});
        } else {
          fail({ kind: 'third-party-request', page: pagePath, name, target: url, message: `${req.resourceType()} request to ${new URL(url).host || url}` });
          req.abort('blockedbyclient').catch(() => {});
        }
      });
      page.on('response', (res) => {
        const url = res.url();
        const req = res.request();
        if (!url.startsWith(origin + '/')) return;
        const isDoc = req.isNavigationRequest() && req.frame() === page.mainFrame();
        // Chromium asks for /favicon.ico by itself when a page names no icon.
        const implicitIcon = url === `${origin}/favicon.ico` && req.resourceType() === 'other';
        if (!isDoc && !implicitIcon && res.status() >= 400) {
          fail({ kind: 'broken-resource', page: pagePath, name, target: url.slice(origin.length), message: `${req.resourceType()} answered ${res.status()}` });
        }
      });
      page.on('requestfailed', (req) => {
        const url = req.url();
        if (url.startsWith(origin + '/')) {
          fail({ kind: 'broken-resource', page: pagePath, name, target: url.slice(origin.length), message: `request failed: ${req.failure()?.errorText}` });
        }
      });
      page.on('pageerror', (err) => fail({ kind: 'script-error', page: pagePath, name, message: String(err.message || err).split('\n')[0] }));
      page.on('console', (msg) => {
        if (msg.type() === 'error') (entry.consoleErrors ||= []).push(msg.text());
      });

      const runs = [
        { scheme: 'light', viewport: WIDE, focus: true, structure: true },
        { scheme: 'dark', viewport: WIDE, focus: true },
        { scheme: 'light', viewport: { ...NARROW, isMobile: true, hasTouch: true }, focus: false },
        // Printed from dark mode: the print sheet must set the theme's colours.
        { scheme: 'dark', media: 'print', viewport: WIDE, focus: false },
      ];
      for (const run of runs) {
        const ctx = `${run.media ? run.media + ' from ' : ''}${run.scheme}@${run.viewport.width}`;
        await page.setViewport(run.viewport);
        // Media type and features in one call: puppeteer's two helpers each
        // reset what the other set.
        const cdp = await page.createCDPSession();
        await cdp.send('Emulation.setEmulatedMedia', { media: run.media || '', features: [{ name: 'prefers-color-scheme', value: run.scheme }] });
        const response = await page.goto(origin + pagePath, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready.then(() => true));
        const status = response ? response.status() : 0;
        entry.status = status;
        if (status !== wantStatus) {
          fail({
            kind: 'status',
            page: pagePath,
            name,
            context: ctx,
            message: `answered ${status}, expected ${wantStatus}${status === 404 ? ' (is the page list in check.mjs out of date?)' : ''}`,
          });
        }
        const scheme = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
        if (scheme !== run.scheme) throw new Error(`could not emulate prefers-color-scheme: ${run.scheme}`);
        const printing = await page.evaluate(() => matchMedia('print').matches);
        if (printing !== (run.media === 'print')) throw new Error(`could not emulate the ${run.media || 'screen'} media type`);

        // (a) axe-core
        await page.addScriptTag({ content: axeSource });
        const axe = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }),
          AXE_TAGS,
        );
        const violations = axe.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          tags: v.tags,
          nodes: v.nodes.map((n) => ({
            target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
            html: n.html.slice(0, 200),
            summary: [...n.any, ...n.all, ...n.none].map((c) => c.message).filter(Boolean).join(' / ') || n.failureSummary,
            related: [...n.any, ...n.all, ...n.none].flatMap((c) => (c.relatedNodes || []).map((r) => r.target.join(' '))),
          })),
        }));
        const incomplete = axe.incomplete.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(' ')),
        }));
        entry.runs.push({ scheme: run.scheme, media: run.media || 'screen', width: run.viewport.width, violations, incomplete });
        for (const v of violations) {
          for (const n of v.nodes) {
            fail({ kind: 'axe', rule: v.id, impact: v.impact, page: pagePath, name, context: ctx, target: n.target, message: `${v.help}${n.summary ? ': ' + n.summary : ''}` });
          }
        }

        // (b) screenshots, before anything is focused (OUT_DIR made again in
        // case a concurrent run cleared it)
        await mkdir(outDir, { recursive: true });
        const shot = `${name}-${run.viewport.width}-${run.scheme}${run.media ? '-' + run.media : ''}.png`;
        await page.screenshot({ path: path.join(outDir, shot), fullPage: true });
        entry.screenshots.push(path.join(outDir, shot));

        // (d) structure, once
        if (run.structure) {
          const s = await page.evaluate(inPageStructure);
          entry.checks.structure = s;
          if (s.h1Count !== 1) {
            fail({ kind: 'h1', page: pagePath, name, message: `${s.h1Count} h1 elements, expected exactly 1${s.h1Texts.length ? ': ' + s.h1Texts.map((t) => JSON.stringify(t)).join(', ') : ''}` });
          }
          if (!s.lang || !s.lang.trim()) {
            fail({ kind: 'lang', page: pagePath, name, message: '<html> has no lang attribute' });
          } else if (wantLang && !s.lang.toLowerCase().startsWith(wantLang)) {
            fail({ kind: 'lang', page: pagePath, name, message: `<html lang="${s.lang}">, expected ${wantLang}` });
          }
          if (!s.mainExists) fail({ kind: 'skip-link', page: pagePath, name, message: 'no element with id="main" for the skip link to target' });
          if (s.firstFocusableHref !== '#main') {
            fail({ kind: 'skip-link', page: pagePath, name, target: s.firstFocusable, message: `first focusable element is ${s.firstFocusable || 'nothing'}, expected a skip link to #main` });
          }
        }

        // (d) Tab once from the top: the skip link, with a visible indicator
        if (run.focus) {
          await page.bringToFront();
          await page.evaluate(() => {
            document.activeElement?.blur?.();
            window.scrollTo(0, 0);
          });
          await page.keyboard.press('Tab');
          const f = await page.evaluate(inPageFocused);
          (entry.checks.focus ||= {})[run.scheme] = f;
          if (f.href !== '#main') {
            fail({ kind: 'focus', page: pagePath, name, context: ctx, target: f.selector, message: `first Tab focused ${f.selector || 'nothing'}${f.text ? ` ("${f.text}")` : ''}, expected the skip link to #main` });
          } else {
            const outline = f.outlineStyle !== 'none' && f.outlineWidth > 0;
            const shadow = f.boxShadow && f.boxShadow !== 'none';
            if (!outline && !shadow) {
              fail({ kind: 'focus', page: pagePath, name, context: ctx, target: f.selector, message: `focused skip link has no visible focus indicator (outline ${f.outlineStyle} ${f.outlineWidth}px, box-shadow ${f.boxShadow})` });
            }
            const r = f.rect;
            const onScreen = r.width > 0 && r.height > 0 && r.x >= 0 && r.y >= 0 && r.x + r.width <= f.viewport.width && r.y + r.height <= f.viewport.height;
            if (!onScreen) {
              fail({ kind: 'focus', page: pagePath, name, context: ctx, target: f.selector, message: `focused skip link is not on screen (box ${JSON.stringify(r)})` });
            }
            if (run.scheme === 'light') {
              const focusShot = `${name}-${run.viewport.width}-${run.scheme}-skip-focused.png`;
              await page.screenshot({ path: path.join(outDir, focusShot), clip: { x: 0, y: 0, width: run.viewport.width, height: 200 } });
              entry.screenshots.push(path.join(outDir, focusShot));
            }
            // Following the skip link lands on #main.
            await page.keyboard.press('Enter');
            const landed = await page.evaluate(() => ({ hash: location.hash, active: document.activeElement?.id || document.activeElement?.tagName.toLowerCase() }));
            entry.checks.skipActivated = landed;
            if (landed.hash !== '#main') {
              fail({ kind: 'skip-link', page: pagePath, name, context: ctx, message: `activating the skip link went to "${landed.hash}", expected #main` });
            }
          }
        }

        // (e) tap targets, in the light scheme at both widths
        if (run.scheme === 'light' && !run.media) {
          const { small, exempt } = await page.evaluate(inPageTapTargets, TAP_SCOPE, MIN_TARGET);
          (entry.checks.tapTargets ||= {})[run.viewport.width] = { small, exempt };
          for (const t of small) {
            fail({
              kind: 'tap-target',
              page: pagePath,
              name,
              context: ctx,
              target: t.target,
              message: `"${t.text}" is smaller than ${MIN_TARGET}x${MIN_TARGET} CSS px${t.spacingExceptionWouldApply ? ' (it would pass WCAG 2.5.8\'s spacing exception)' : ''}`,
              detail: `${t.width}x${t.height}`,
            });
          }
        }
      }
      await page.close();
    }

    // (f) the home page with JavaScript disabled
    {
      const page = await browser.newPage();
      await page.setViewport(WIDE);
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
      await page.setJavaScriptEnabled(false);
      const nojs = { path: '/', name: 'home-nojs', requests: [], screenshots: [] };
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const url = req.url();
        const local = url.startsWith(origin + '/') || /^(data|blob|about):/.test(url);
        nojs.requests.push({ url, type: req.resourceType(), local });
        if (local) return req.continue().catch(() => {});
        fail({ kind: 'third-party-request', page: '/', name: 'home-nojs', target: url, message: `${req.resourceType()} request to ${new URL(url).host || url}` });
        return req.abort('blockedbyclient').catch(() => {});
      });
      const response = await page.goto(origin + '/', { waitUntil: 'load' });
      const enabled = await page.evaluate(() => {
        // Page scripts are off; this evaluation comes from DevTools.
        const s = document.createElement('script');
        s.textContent = 'document.documentElement.dataset.jsRan = "yes"';
        document.head.append(s);
        return document.documentElement.dataset.jsRan === 'yes';
      });
      if (enabled) throw new Error('JavaScript is still enabled in the no-JS run');
      const r = await page.evaluate(inPageNoJs);
      nojs.status = response?.status();
      nojs.check = r;
      await mkdir(outDir, { recursive: true });
      const shot = path.join(outDir, 'home-nojs-1280-light.png');
      await page.screenshot({ path: shot, fullPage: true });
      nojs.screenshots.push(shot);
      report.noJavaScript = nojs;
      if (!r.ok) fail({ kind: 'no-javascript', page: '/', name: 'home-nojs', message: `with JavaScript disabled, ${r.why}` });
      await page.close();
    }
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }

  report.served = served.length;
  report.summary = {
    pages: report.pages.length,
    failures: failures.length,
    byKind: failures.reduce((m, f) => ((m[f.kind] = (m[f.kind] || 0) + 1), m), {}),
  };
  await mkdir(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  printSummary(report, outDir);
  process.exit(failures.length ? 1 : 0);
}

// One entry per problem (kind, rule, target, message), listing every page
// and context (light@1280, dark@1280, light@375) where it was seen.
function printSummary(report, outDir) {
  const groups = new Map();
  for (const f of report.failures) {
    const key = [f.kind, f.rule, f.impact, f.target, f.message].join('\u0000');
    if (!groups.has(key)) groups.set(key, { ...f, pages: new Map() });
    const pages = groups.get(key).pages;
    if (!pages.has(f.page)) pages.set(f.page, { name: f.name, contexts: [] });
    const ctx = f.context ? f.context + (f.detail ? ` ${f.detail}` : '') : f.detail;
    if (ctx && !pages.get(f.page).contexts.includes(ctx)) pages.get(f.page).contexts.push(ctx);
  }
  const order = (f) => ['status', 'third-party-request', 'broken-resource', 'script-error', 'axe'].indexOf(f.kind) + 1 || 99;
  const list = [...groups.values()].sort(
    (a, b) => order(a) - order(b) || a.kind.localeCompare(b.kind) || (a.rule || '').localeCompare(b.rule || '') || (a.target || '').localeCompare(b.target || ''),
  );
  console.log(`Checked ${report.pages.length} pages of ${report.site} in ${report.browser} with axe-core ${report.axe}.`);
  for (const f of list) {
    const what = f.kind === 'axe' ? `axe ${f.rule} (${f.impact})` : f.kind;
    console.log(`FAIL ${what}: ${f.message}`);
    if (f.target) console.log(`     target: ${f.target}`);
    for (const [page, { name, contexts }] of f.pages) {
      console.log(`     on ${page} [${name}]${contexts.length ? ': ' + contexts.join(', ') : ''}`);
    }
  }
  const counts = Object.entries(report.summary.byKind).map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(
    report.failures.length
      ? `${list.length} distinct problems (${report.failures.length} in all: ${counts}).`
      : 'No problems found.',
  );
  // A site built for its real address asks that address for its own files.
  const own = new Set();
  for (const f of report.failures) {
    if (f.kind !== 'third-party-request') continue;
    const u = new URL(f.target);
    if (u.pathname !== '/' && existsSync(path.join(report.site, decodeURIComponent(u.pathname)))) own.add(u.origin);
  }
  for (const o of own) {
    console.log(`Note: ${o} serves files of this site; build it for the test server with \`rounds build --base-url /\`.`);
  }
  console.log(`Screenshots and report.json in ${outDir}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`check.mjs: ${err && err.stack ? err.stack : err}`);
    process.exit(2);
  });
}
