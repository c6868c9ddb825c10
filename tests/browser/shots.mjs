#!/usr/bin/env node
// Screenshots of a built site for people to look at (not a test):
//   node tests/browser/shots.mjs SITE_DIR OUT_DIR PATH... [--widths 390,1280] [--scheme dark]
// Serves SITE_DIR on 127.0.0.1 and saves OUT_DIR/<name>-<width>.png, full page.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const args = process.argv.slice(2);
const [siteDir, outDir, ...rest] = args;
let widths = [390, 1280];
let scheme = 'light';
const pages = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--widths') widths = rest[++i].split(',').map(Number);
  else if (rest[i] === '--scheme') scheme = rest[++i];
  else pages.push(rest[i]);
}
const types = { '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.woff2': 'font/woff2', '.js': 'text/javascript', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  try {
    const body = await readFile(path.join(siteDir, p));
    res.writeHead(200, { 'content-type': types[path.extname(p)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404); res.end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
await mkdir(outDir, { recursive: true });
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
for (const p of pages) {
  for (const w of widths) {
    const page = await browser.newPage();
    await page.setViewport({ width: w, height: 900, isMobile: w < 800, hasTouch: w < 800 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    await page.goto(origin + p, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => true));
    const name = (p.replace(/\//g, '_').replace(/^_|_$/g, '') || 'home') + `-${w}-${scheme}.png`;
    await page.screenshot({ path: path.join(outDir, name), fullPage: true });
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(name, 'scrollWidth', sw);
    await page.close();
  }
}
await browser.close();
server.close();
