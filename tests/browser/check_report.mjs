#!/usr/bin/env node
// The reading-level report of a running `rounds serve`, in headless Chromium.
//
//   node tests/browser/check_report.mjs REPORT_URL
//
// REPORT_URL is `http://127.0.0.1:PORT/_check/`. Checks:
//   - the page has one row per post and requests nothing from another host;
//   - axe-core (WCAG 2.0–2.2 A/AA and best practices) finds no violation;
//   - choosing the "Grade" heading sorts the rows by grade, ascending, then
//     descending, and says so with aria-sort; unscored rows stay last;
//   - a row's hardest sentences open from their <details>;
//   - without JavaScript the table shows every row and no sort buttons.
// Prints a JSON summary {ok, problems, steps, grades} on stdout. Exit 0 when
// everything passes, 1 on a problem, 2 when the harness could not run.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: node tests/browser/check_report.mjs REPORT_URL');
  process.exit(2);
}
const origin = new URL(url).origin;
const problems = [];
const steps = [];
const problem = (step, message) => problems.push({ step, message });
const timer = setTimeout(() => { console.error('check_report.mjs: gave up after 180 s'); process.exit(2); }, 180_000);
timer.unref();

// The grade column's sort keys, top to bottom.
const gradeKeys = () => [...document.querySelectorAll('tbody tr')].map((r) => r.cells[1].getAttribute('data-sort'));

function ordered(keys, ascending) {
  const scored = keys.filter((k) => k !== '').map(Number);
  const firstBlank = keys.indexOf('');
  if (firstBlank >= 0 && keys.slice(firstBlank).some((k) => k !== '')) return false;
  return scored.every((v, i) => i === 0 || (ascending ? scored[i - 1] <= v : scored[i - 1] >= v));
}

async function main() {
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    defaultViewport: { width: 1280, height: 900 },
  });
  let grades = [];
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    page.on('request', (req) => {
      const u = req.url();
      if (!u.startsWith(origin + '/') && !u.startsWith('data:')) problem('requests', `requested ${u}`);
    });
    page.on('pageerror', (err) => problem('script', String(err.message || err).split('\n')[0]));
    await page.goto(url, { waitUntil: 'load' });
    const rows = await page.$$eval('tbody tr', (r) => r.length);
    if (rows === 0) problem('rows', 'the report shows no rows');
    steps.push({ step: 'rows', rows });

    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
    for (const v of result.violations) {
      for (const n of v.nodes.slice(0, 5)) problem('axe', `${v.id}: ${v.help}: ${n.target.join(' ')}`.slice(0, 300));
    }
    steps.push({ step: 'axe', violations: result.violations.length });

    const button = await page.$('thead th:nth-child(2) button');
    if (!button) {
      problem('sort', 'the Grade heading is not a button');
    } else {
      await button.click();
      const up = await page.evaluate(gradeKeys);
      const sortUp = await page.$eval('thead th:nth-child(2)', (th) => th.getAttribute('aria-sort'));
      if (!ordered(up, true) || sortUp !== 'ascending') problem('sort', `ascending: ${sortUp} ${up.join(',')}`);
      await button.click();
      const down = await page.evaluate(gradeKeys);
      const sortDown = await page.$eval('thead th:nth-child(2)', (th) => th.getAttribute('aria-sort'));
      if (!ordered(down, false) || sortDown !== 'descending') problem('sort', `descending: ${sortDown} ${down.join(',')}`);
      grades = down;
      steps.push({ step: 'sort', ascending: up, descending: down });
    }

    const opened = await page.evaluate(() => {
      const d = document.querySelector('tbody details');
      if (!d) return null;
      d.querySelector('summary').click();
      return d.open && d.querySelectorAll('li').length;
    });
    if (!opened) problem('hardest', 'no row opens its hardest sentences');
    steps.push({ step: 'hardest', sentences: opened });

    const plain = await browser.newPage();
    await plain.setJavaScriptEnabled(false);
    await plain.goto(url, { waitUntil: 'load' });
    const plainRows = await plain.$$eval('tbody tr', (r) => r.length);
    const buttons = await plain.$$eval('thead button', (b) => b.length);
    if (plainRows !== rows || buttons !== 0) problem('no-js', `${plainRows} rows, ${buttons} buttons without JavaScript`);
    steps.push({ step: 'no-js', rows: plainRows });
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify({ ok: problems.length === 0, problems, steps, grades }, null, 1));
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(2); });
