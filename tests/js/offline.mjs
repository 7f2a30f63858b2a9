// A headless Chromium page that may talk to one server only: every request to another host
// is refused and recorded, and so are console errors and uncaught page errors.
import path from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's Chromium, started as the machine's notes advise for a closed network. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches the browser and opens a page of `viewport` size that reaches only `baseUrl`'s
 * host. Requests elsewhere are aborted and pushed to `foreign`; console errors and page
 * errors to `problems`. The process exits with 1 after `giveUpMs` whatever happens.
 */
export async function openOffline(name, baseUrl, viewport, giveUpMs, foreign, problems) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const killer = setTimeout(() => {
    console.error(`${name}: gave up after ${giveUpMs / 1000} s`);
    process.exit(1);
  }, giveUpMs);
  const page = await browser.newPage({ viewport });
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const web = url.protocol === 'http:' || url.protocol === 'https:';
    if (web && url.host !== baseUrl.host) {
      foreign.push(`${route.request().method()} ${url.href}`);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  await page.routeWebSocket(
    (url) => url.host !== baseUrl.host,
    (ws) => {
      foreign.push(`WEBSOCKET ${ws.url()}`);
      ws.close();
    },
  );
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { browser, page, killer };
}

/**
 * Prints what a failed run saw (`seen`, blocked requests, page errors) and saves
 * OUTDIR/NAME-failure.png when the page is still there.
 */
export async function reportFailure(name, page, outdir, seen, foreign, problems) {
  for (const [what, text] of Object.entries(seen)) {
    console.error(`--- ${what} ---\n${String(text).slice(0, 3000)}`);
  }
  if (foreign.length) console.error(`--- requests to other hosts (blocked) ---\n${foreign.join('\n')}`);
  if (problems.length) console.error(`--- page errors ---\n${problems.join('\n')}`);
  try {
    const shot = path.join(outdir, `${name}-failure.png`);
    await page.screenshot({ path: shot });
    console.error(`screenshot: ${shot}`);
  } catch {
    // The page may be gone; the text above is what we have.
  }
}
