// What loading a page costs on a slow phone network: Chromium's network throttling at
// DevTools' "Fast 3G" profile, a fresh browser profile (empty cache and storage), and the
// server's responses as they are sent (compressed or not, whatever the server does).
import path from 'node:path';

/**
 * DevTools' "Fast 3G" preset (Chromium's front_end/core/sdk/NetworkManager.ts): 1.6 Mbit/s
 * down and 750 kbit/s up, each at 90 %, and 150 ms of latency times 3.75.
 */
export const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};

/**
 * Opens `url` in a new browser context throttled to `FAST_3G`, requests to other hosts than
 * `baseUrl`'s refused and pushed to `foreign` (console errors and page errors to `problems`),
 * and waits for `usable(page)` to resolve.
 * Returns `{ usableMs, loadMs, bytes, resources }`: milliseconds from the start of the
 * navigation to usable and to the load event, the bytes transferred (headers and bodies as
 * sent), and per resource its path, bytes transferred and body bytes once decoded.
 */
export async function measureLoad(browser, baseUrl, url, viewport, usable, foreign, problems) {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    await page.route('**/*', (route) => {
      const target = new URL(route.request().url());
      if ((target.protocol === 'http:' || target.protocol === 'https:') && target.host !== baseUrl.host) {
        foreign.push(`${route.request().method()} ${target.href}`);
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error (throttled load): ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error (throttled load): ${err.message}`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    const urls = new Map();
    const resources = [];
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => {
      const where = new URL(urls.get(e.requestId) || 'about:blank');
      if (where.protocol !== 'http:' && where.protocol !== 'https:') return; // data: URIs cross no network
      resources.push({ path: where.pathname, requestId: e.requestId, bytes: e.encodedDataLength });
    });
    const bodies = new Map();
    cdp.on('Network.dataReceived', (e) => bodies.set(e.requestId, (bodies.get(e.requestId) || 0) + e.dataLength));

    await page.goto(url, { waitUntil: 'commit' });
    await usable(page);
    const usableMs = await page.evaluate(() => performance.now());
    await page.waitForLoadState('load');
    const loadMs = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
    const list = resources.map((r) => ({ path: r.path, bytes: r.bytes, decoded: bodies.get(r.requestId) || 0 }));
    return { usableMs, loadMs, bytes: list.reduce((sum, r) => sum + r.bytes, 0), resources: list };
  } finally {
    await context.close();
  }
}

/** The figures of `measureLoad` as lines of text. */
export function describeLoad(name, m) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const lines = [
    `${name} on Fast 3G (${FAST_3G.latency} ms, ${kb(FAST_3G.downloadThroughput)}/s down): usable after ${(m.usableMs / 1000).toFixed(2)} s, ` +
      `load event at ${(m.loadMs / 1000).toFixed(2)} s, ${kb(m.bytes)} transferred`,
  ];
  for (const r of m.resources) lines.push(`  ${path.posix.basename(r.path) || r.path}: ${kb(r.bytes)} transferred, ${kb(r.decoded)} decoded`);
  return lines.join('\n');
}
