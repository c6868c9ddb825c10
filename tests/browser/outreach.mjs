#!/usr/bin/env node
// The outreach preview of a running `rounds serve`, in headless Chromium.
//
//   node tests/browser/outreach.mjs PREVIEW_URL OUT_DIR
//
// PREVIEW_URL is `http://127.0.0.1:PORT/_outreach/` of a `rounds serve` of a
// site with `[publish] require_approval = true`. Checks, in order:
//   - nothing is requested from another host (no third-party assets);
//   - the cards are in the order they are due (`data-due`), and the count
//     of each state matches the cards in that state;
//   - the filters: choosing Bluesky shows Bluesky's cards only, the page says
//     how many show, the choice survives a reload (it is in the address),
//     and the network filter is reached with Tab and shows its focus;
//   - axe-core (WCAG 2.0–2.2 A/AA and best practices) in light and dark;
//   - Approve on a waiting card: the card says "approved" (the server wrote
//     the ledger; the Rust test reads it);
//   - without JavaScript every card shows and the filters stay hidden;
// and saves screenshots to OUT_DIR: outreach-1280-light.png,
// outreach-1280-dark.png, outreach-390-light.png (the top of the page),
// outreach-1280-post.png and outreach-390-post.png (one post on every
// network), outreach-1280-bluesky.png (filtered).
//
// Prints a JSON summary {ok, problems, approved, steps} on stdout. Exit 0
// when everything passes, 1 on a problem, 2 when the harness could not run.

import { readFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true };
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
  '--font-render-hinting=none',
];

const [url, outArg] = process.argv.slice(2);
if (!url || !outArg) {
  console.error('usage: node tests/browser/outreach.mjs PREVIEW_URL OUT_DIR');
  process.exit(2);
}
const outDir = path.resolve(outArg);
const origin = new URL(url).origin;
const problems = [];
const steps = [];
const problem = (step, message) => problems.push({ step, message });

const timer = setTimeout(() => {
  console.error('outreach.mjs: gave up after 300 s');
  process.exit(2);
}, 300_000);
timer.unref();

// What the page shows: every card's facts, in document order.
function inPageCards() {
  return [...document.querySelectorAll('article.card')].map((c) => ({
    id: c.dataset.id,
    network: c.dataset.network,
    post: c.dataset.post,
    state: c.dataset.state,
    due: c.dataset.due || '',
    shown: !c.hidden && c.checkVisibility(),
  }));
}

function inPageTally() {
  return [...document.querySelectorAll('.tally [data-state]')].map((li) => ({
    state: li.dataset.state,
    count: Number(li.dataset.count),
    text: li.textContent.trim(),
  }));
}

async function watch(page) {
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith(origin + '/') || /^(data|blob|about):/.test(u)) {
      req.continue().catch(() => {});
    } else {
      problem('requests', `${req.resourceType()} request to another host: ${u}`);
      req.abort('blockedbyclient').catch(() => {});
    }
  });
  page.on('response', (res) => {
    if (res.url().startsWith(origin + '/') && res.status() >= 400 && !res.url().endsWith('/favicon.ico')) {
      problem('requests', `${res.url()} answered ${res.status()}`);
    }
  });
  page.on('pageerror', (err) => problem('script', String(err.message || err).split('\n')[0]));
}

async function axe(page, axeSource, scheme, width) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    AXE_TAGS,
  );
  for (const v of result.violations) {
    for (const n of v.nodes.slice(0, 5)) {
      problem(`axe ${scheme}@${width}`, `${v.id}: ${v.help}: ${n.target.join(' ')}: ${n.failureSummary || ''}`.slice(0, 400));
    }
  }
  steps.push({ step: `axe ${scheme}@${width}`, violations: result.violations.length });
}

async function shoot(page, name, fullPage = false) {
  await mkdir(outDir, { recursive: true });
  if (fullPage) {
    // A whole-page shot does not scroll, so lazy pictures below the first
    // screen would show as empty boxes: load them as a reader scrolling would.
    await page.evaluate(async () => {
      const lazy = [...document.querySelectorAll('img[loading=lazy]')].filter((i) => i.checkVisibility());
      for (const img of lazy) img.loading = 'eager';
      await Promise.all(lazy.map((img) => img.decode().catch(() => {})));
    });
  }
  await page.screenshot({ path: path.join(outDir, `outreach-${name}.png`), fullPage });
}

async function choose(page, name, value) {
  await page.select(`#filters select[name=${name}]`, value);
  await page.waitForFunction(
    (n, v) => new URL(location.href).searchParams.get(n) === (v || null),
    { timeout: 5000 },
    name,
    value,
  );
}

async function main() {
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    defaultViewport: WIDE,
    protocolTimeout: 120_000,
  });
  let approved = null;
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    await watch(page);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.goto(url, { waitUntil: 'load' });

    // Order and counts.
    const cards = await page.evaluate(inPageCards);
    if (cards.length === 0) problem('cards', 'the preview shows no cards');
    const dues = cards.map((c) => c.due);
    const sorted = [...dues].sort();
    const firstOut = dues.findIndex((d, i) => d !== sorted[i]);
    if (firstOut >= 0) problem('order', `card ${firstOut} (${cards[firstOut].id}, due ${dues[firstOut]}) is out of order`);
    const tally = await page.evaluate(inPageTally);
    if (tally.length === 0) problem('tally', 'no count per state');
    for (const t of tally) {
      const n = cards.filter((c) => c.state === t.state).length;
      if (n !== t.count) problem('tally', `"${t.text}" but ${n} cards are ${t.state}`);
    }
    steps.push({ step: 'order and counts', cards: cards.length, tally });

    // Screenshots of the top of the page, light and dark, wide and narrow.
    await shoot(page, '1280-light');
    await axe(page, axeSource, 'light', 1280);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await shoot(page, '1280-dark');
    await axe(page, axeSource, 'dark', 1280);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);

    // The filters: Bluesky only.
    const filters = await page.$('#filters');
    if (!filters || !(await filters.isVisible())) throw new Error('no visible filters (#filters)');
    await choose(page, 'network', 'bluesky');
    const bluesky = await page.evaluate(inPageCards);
    const shown = bluesky.filter((c) => c.shown);
    const wanted = bluesky.filter((c) => c.network === 'bluesky');
    if (shown.length === 0) problem('filter', 'choosing Bluesky shows nothing');
    if (shown.some((c) => c.network !== 'bluesky')) problem('filter', 'choosing Bluesky still shows other networks');
    if (shown.length !== wanted.length) problem('filter', `${shown.length} of ${wanted.length} Bluesky cards show`);
    const status = await page.$eval('#shown', (e) => e.textContent);
    if (!status.includes(`${shown.length} of ${bluesky.length}`)) problem('filter', `the page says "${status}"`);
    // The counts per state follow the filter: they say what choosing a state would show.
    const blueskyTally = await page.evaluate(inPageTally);
    for (const t of blueskyTally) {
      const n = wanted.filter((c) => c.state === t.state).length;
      if (n !== t.count) problem('tally', `with Bluesky chosen, "${t.text}" but ${n} Bluesky cards are ${t.state}`);
    }
    await shoot(page, '1280-bluesky');
    await page.reload({ waitUntil: 'load' });
    const kept = (await page.evaluate(inPageCards)).filter((c) => c.shown);
    if (kept.length !== wanted.length || kept.some((c) => c.network !== 'bluesky')) {
      problem('filter', 'the Bluesky filter is lost on reload');
    }
    await choose(page, 'network', '');
    steps.push({ step: 'filter', bluesky: shown.length, status });

    // The filters are reached with the keyboard and show where focus is.
    await page.evaluate(() => {
      document.activeElement?.blur?.();
      window.scrollTo(0, 0);
    });
    let reached = null;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e.name !== 'network') return null;
        const s = getComputedStyle(e);
        return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
      });
    }
    if (!reached) problem('keyboard', 'Tab never reaches the network filter');
    else if (!reached.outline && !reached.shadow) problem('keyboard', 'the focused filter shows no focus indicator');

    // One post on every network, to look at each card's shape.
    const posts = [...new Set(cards.map((c) => c.post))];
    const richest = posts
      .map((p) => ({ p, n: new Set(cards.filter((c) => c.post === p).map((c) => c.network)).size }))
      .sort((a, b) => b.n - a.n)[0];
    if (richest) {
      await choose(page, 'post', richest.p);
      await shoot(page, '1280-post', true);
      await page.setViewport(PHONE);
      await shoot(page, '390-post', true);
      await choose(page, 'post', '');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot(page, '390-light');
      await axe(page, axeSource, 'light', 390);
      await page.setViewport(WIDE);
    }

    // Approve a waiting card from the page.
    const button = await page.$('article.card[data-state=waiting] button.approve');
    if (!button) {
      problem('approve', 'no Approve button on a waiting card');
    } else {
      const id = await button.evaluate((b) => b.closest('article').dataset.id);
      await button.click();
      try {
        // In place, or after the reload the rebuild sends.
        await page.waitForFunction(
          (i) => [...document.querySelectorAll('article.card')].find((c) => c.dataset.id === i)?.dataset.state === 'approved',
          { timeout: 20_000 },
          id,
        );
        approved = id;
      } catch {
        const note = await page.evaluate(() => document.querySelector('.approve-note[role=status]')?.textContent || '');
        problem('approve', `the card ${id} never says approved ${note}`);
      }
    }
    steps.push({ step: 'approve', approved });

    // Without JavaScript: every card, no filters.
    const plain = await browser.newPage();
    await plain.setJavaScriptEnabled(false);
    await watch(plain);
    await plain.goto(url, { waitUntil: 'load' });
    const all = await plain.evaluate(inPageCards);
    if (all.some((c) => !c.shown)) problem('no-js', 'without JavaScript some cards are hidden');
    const formShown = await plain.$eval('#filters', (f) => f.checkVisibility()).catch(() => false);
    if (formShown) problem('no-js', 'without JavaScript the filters show but cannot work');
    steps.push({ step: 'no-js', cards: all.length });
  } finally {
    await browser.close();
  }
  const summary = { ok: problems.length === 0, problems, approved, steps };
  console.log(JSON.stringify(summary, null, 2));
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`outreach.mjs: ${e.stack || e}`);
  console.log(JSON.stringify({ ok: false, problems: [...problems, { step: 'harness', message: String(e.message || e) }], steps }, null, 2));
  process.exit(problems.length ? 1 : 2);
});
