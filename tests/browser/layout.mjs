#!/usr/bin/env node
// The clinic theme's layout in a real browser (issue 18, items 3 and 5):
//
//   node tests/browser/layout.mjs SITE_DIR OUT_DIR
//
// Serves SITE_DIR (built with `--base-url /`) on 127.0.0.1 and checks:
//   - overflow: every page of the site at 320, 390 and 1280 px is no wider
//     than the window (document scrollWidth), naming what sticks out;
//   - layout shift: on the main pages at 390 and 1280 px, no shift caused by
//     an image, every <img> has width and height, and the page's whole
//     cumulative layout shift stays under 0.1 (Lighthouse's "good");
//   - budget: the home page's first load, in a fresh profile with no cache,
//     transfers under 200 kB (the test server does not compress, so this is
//     what an uncompressed host would send; gzip makes it smaller);
//   - line length: article paragraphs at 1280 px run 60 to 80 characters;
//   - the phone menu: at 390 px with JavaScript off, "Menu" opens the links;
//     at 1280 px the links show in a row; the post's side column sits
//     beside the article at 1280 px and under its title at 390 px.
// Writes OUT_DIR/layout.json; exit 0 when all pass, 1 on a failure, 2 when
// the harness could not run.

import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { startServer, CHROMIUM_ARGS } from './check.mjs';

const WIDTHS = [320, 390, 1280];
const MAIN_PAGES = ['/', '/blog/heart-attack-signs/', '/for-physicians/hs-crp-when-it-helps/', '/authors/patel/', '/authors/', '/tags/lab-tests/', '/about/'];
const BUDGET_BYTES = 200_000;
const POST = '/blog/heart-attack-signs/';

function sitePages(root) {
  const pages = [];
  const walk = (dir, rel) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full, `${rel}${name}/`);
      // A redirect page (an alias) leaves at once; the page it names is swept.
      else if (name === 'index.html' && !/http-equiv="refresh"/i.test(readFileSync(full, 'utf8'))) pages.push(rel);
    }
  };
  walk(root, '/');
  pages.push('/404.html');
  return pages.sort();
}

// In the page: the elements whose right edge passes the window's, deepest first.
function inPageOverflow() {
  const width = document.documentElement.clientWidth;
  const wide = document.documentElement.scrollWidth;
  const out = [];
  if (wide > width) {
    const scrolls = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (/(auto|scroll|hidden)/.test(getComputedStyle(a).overflowX)) return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
      if (scrolls(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5 && r.width > 0 && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5)) {
        const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '';
        out.push(`${el.tagName.toLowerCase()}${cls} (right edge ${Math.round(r.right)} px): ${(el.textContent || '').trim().slice(0, 60)}`);
        if (out.length >= 5) break;
      }
    }
  }
  return { width, scrollWidth: wide, culprits: out };
}

function watchShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      const sources = (e.sources || []).map((s) => s.node && (s.node.nodeName + (s.node.className ? '.' + String(s.node.className).split(' ')[0] : '') + (s.node.querySelector && s.node.querySelector('img') ? '>img' : '')));
      window.__shifts.push({ value: e.value, sources });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

function inPageImages() {
  return [...document.images].map((img) => ({
    src: img.getAttribute('src'),
    width: img.getAttribute('width'),
    height: img.getAttribute('height'),
    loading: img.getAttribute('loading'),
  }));
}

// Median characters per line of the article's paragraphs of three lines or more.
function inPageMeasure() {
  const counts = [];
  for (const p of document.querySelectorAll('.prose p')) {
    const style = getComputedStyle(p);
    const lineHeight = parseFloat(style.lineHeight);
    const lines = Math.round(p.getBoundingClientRect().height / lineHeight);
    if (lines >= 3) counts.push(p.textContent.length / lines);
  }
  counts.sort((a, b) => a - b);
  return { paragraphs: counts.length, median: counts.length ? counts[Math.floor(counts.length / 2)] : null };
}

async function overflowSweep(browser, origin, pages, fail, report) {
  report.overflow = {};
  for (const width of WIDTHS) {
    const page = await browser.newPage();
    await page.setViewport({ width, height: 800, isMobile: width < 800, hasTouch: width < 800 });
    let worst = 0;
    for (const p of pages) {
      await page.goto(origin + p, { waitUntil: 'load' });
      const o = await page.evaluate(inPageOverflow);
      worst = Math.max(worst, o.scrollWidth - o.width);
      if (o.scrollWidth > o.width) {
        fail({ kind: 'overflow', page: p, message: `at ${width} px the page is ${o.scrollWidth} px wide: ${o.culprits.join('; ')}` });
      }
    }
    report.overflow[width] = { pages: pages.length, worstOverflowPx: worst };
    await page.close();
  }
}

async function shifts(browser, origin, fail, report) {
  report.layoutShift = {};
  for (const width of [390, 1280]) {
    for (const p of MAIN_PAGES) {
      const page = await browser.newPage();
      await page.setViewport({ width, height: 800, isMobile: width < 800, hasTouch: width < 800 });
      await page.evaluateOnNewDocument(watchShifts);
      await page.goto(origin + p, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => true));
      // Scroll through, so lazy pictures load and would shift if unsized.
      await page.evaluate(async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) {
          window.scrollTo(0, y);
          await new Promise((r) => setTimeout(r, 30));
        }
      });
      await new Promise((r) => setTimeout(r, 300));
      const shiftList = await page.evaluate(() => window.__shifts);
      const images = await page.evaluate(inPageImages);
      const cls = shiftList.reduce((sum, s) => sum + s.value, 0);
      const byImage = shiftList.filter((s) => s.sources.some((n) => n && /^(IMG|PICTURE)|>img$/.test(n)));
      report.layoutShift[`${p}@${width}`] = { cls: Number(cls.toFixed(4)), byImage: byImage.length, images: images.length };
      for (const img of images) {
        if (!img.width || !img.height) fail({ kind: 'image-size', page: p, message: `<img src="${img.src}"> has no width and height (its room is unknown until it loads)` });
      }
      if (byImage.length) fail({ kind: 'layout-shift', page: p, message: `at ${width} px an image moved the page: ${JSON.stringify(byImage)}` });
      if (cls >= 0.1) fail({ kind: 'layout-shift', page: p, message: `at ${width} px the cumulative layout shift is ${cls.toFixed(3)} (Lighthouse's good is under 0.1): ${JSON.stringify(shiftList)}` });
      await page.close();
    }
  }
}

async function budget(browser, origin, fail, report) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setCacheEnabled(false);
  await page.setViewport({ width: 1280, height: 800 });
  const bodies = [];
  page.on('response', async (res) => {
    try {
      const body = await res.buffer();
      bodies.push({ url: res.url().slice(origin.length), type: res.request().resourceType(), bytes: body.length });
    } catch {
      // a redirect has no body
    }
  });
  await page.goto(origin + '/', { waitUntil: 'networkidle0' });
  await page.evaluate(() => document.fonts.ready.then(() => true));
  await new Promise((r) => setTimeout(r, 300));
  const total = bodies.reduce((s, b) => s + b.bytes, 0);
  report.homeBudget = { totalBytes: total, limitBytes: BUDGET_BYTES, files: bodies.sort((a, b) => b.bytes - a.bytes) };
  if (total > BUDGET_BYTES) fail({ kind: 'budget', page: '/', message: `the home page's first load is ${total} bytes, over ${BUDGET_BYTES}: ${bodies.map((b) => `${b.url} ${b.bytes}`).join(', ')}` });
  await context.close();
}

async function layout(browser, origin, fail, report) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(origin + POST, { waitUntil: 'load' });
  const measure = await page.evaluate(inPageMeasure);
  report.measure = measure;
  if (!measure.median || measure.median < 60 || measure.median > 80) {
    fail({ kind: 'measure', page: POST, message: `article lines run ${measure.median?.toFixed(1)} characters at 1280 px (${measure.paragraphs} paragraphs), expected 60 to 80` });
  }
  const wide = await page.evaluate(() => {
    const box = (s) => {
      const r = document.querySelector(s)?.getBoundingClientRect();
      return r && { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const shown = (s) => { const e = document.querySelector(s); return !!e && getComputedStyle(e).display !== 'none'; };
    return { body: box('.post-body'), side: box('.post-side'), related: box('.related'), navWide: shown('.nav-wide'), navCompact: shown('.nav-compact') };
  });
  report.wide = wide;
  if (!wide.navWide || wide.navCompact) fail({ kind: 'menu', page: POST, message: 'at 1280 px the menu is not a row of links' });
  if (!(wide.side && wide.body && wide.side.left >= wide.body.right)) fail({ kind: 'side-column', page: POST, message: `at 1280 px the review box and contents are not beside the article: ${JSON.stringify(wide)}` });
  if (wide.related && !(wide.related.left >= wide.body.right && wide.related.top < wide.body.top + 800)) fail({ kind: 'side-column', page: POST, message: `at 1280 px related articles are not in the side column near the top: ${JSON.stringify(wide.related)}` });
  await page.close();

  const phone = await browser.newPage();
  await phone.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
  await phone.setJavaScriptEnabled(false);
  await phone.goto(origin + POST, { waitUntil: 'load' });
  const before = await phone.evaluate(() => {
    const link = document.querySelector('.nav-compact nav a');
    return { wideShown: getComputedStyle(document.querySelector('.nav-wide')).display !== 'none', linkShown: link ? link.checkVisibility() : null, header: document.querySelector('.site-header').getBoundingClientRect().height };
  });
  await phone.click('.nav-compact summary');
  const after = await phone.evaluate(() => {
    const links = [...document.querySelectorAll('.nav-compact nav a')].map((a) => ({ shown: a.checkVisibility(), height: a.getBoundingClientRect().height, bottom: a.getBoundingClientRect().bottom }));
    const side = document.querySelector('.post-side').getBoundingClientRect();
    const header = document.querySelector('.post-header').getBoundingClientRect();
    const body = document.querySelector('.post-body').getBoundingClientRect();
    return { links: links.length, visible: links.filter((r) => r.shown && r.height > 0 && r.bottom <= innerHeight).length, sideUnderTitle: side.top >= header.bottom - 1 && side.bottom <= body.top + 1 };
  });
  report.phone = { before, after };
  if (before.wideShown) fail({ kind: 'menu', page: POST, message: 'at 390 px the wide menu shows' });
  if (before.linkShown !== false) fail({ kind: 'menu', page: POST, message: 'at 390 px the folded menu shows its links before it is opened' });
  if (before.header > 140) fail({ kind: 'menu', page: POST, message: `at 390 px the header is ${before.header} px tall (a compact header is at most 140)` });
  if (!after.links || after.visible !== after.links) fail({ kind: 'menu', page: POST, message: `at 390 px without JavaScript "Menu" showed ${after.visible} of ${after.links} links` });
  if (!after.sideUnderTitle) fail({ kind: 'side-column', page: POST, message: 'at 390 px the review box is not between the title and the article' });
  await phone.close();
}

async function main() {
  const [siteDir, outDir] = process.argv.slice(2);
  if (!siteDir || !outDir) {
    console.error('usage: node tests/browser/layout.mjs SITE_DIR OUT_DIR');
    process.exit(2);
  }
  const { server, origin } = await startServer(siteDir);
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, protocolTimeout: 120_000 });
  const failures = [];
  const fail = (f) => failures.push(f);
  const report = { site: siteDir, failures };
  try {
    const pages = sitePages(siteDir);
    await overflowSweep(browser, origin, pages, fail, report);
    await shifts(browser, origin, fail, report);
    await budget(browser, origin, fail, report);
    await layout(browser, origin, fail, report);
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'layout.json'), JSON.stringify(report, null, 2) + '\n');
  const o = report.overflow || {};
  console.log(`Overflow: ${Object.entries(o).map(([w, r]) => `${r.pages} pages at ${w} px, worst ${r.worstOverflowPx} px`).join('; ')}`);
  console.log(`Home page first load: ${report.homeBudget?.totalBytes} bytes (limit ${BUDGET_BYTES})`);
  console.log(`Article line length at 1280 px: ${report.measure?.median?.toFixed(1)} characters`);
  const worstCls = Math.max(0, ...Object.values(report.layoutShift || {}).map((r) => r.cls));
  console.log(`Worst cumulative layout shift: ${worstCls}`);
  for (const f of failures) console.log(`FAIL ${f.kind} on ${f.page}: ${f.message}`);
  console.log(failures.length ? `${failures.length} failures.` : 'No problems found.');
  process.exit(failures.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`layout.mjs: ${err && err.stack ? err.stack : err}`);
  process.exit(2);
});
