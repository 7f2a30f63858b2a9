// The explorer redraws when a change touches what it shows (issue 15): Giammattei is drawn,
// then a change applied over HTTP (POST /graphql, applyChange, a write token) adds a call he
// hosted: the open page, subscribed to `Subscription.changes` over /graphql/ws, draws the
// call next to him without being asked, keeps every node it drew and its address, and its
// panel lists the call. A retraction of the call removes it from the drawing again.
//
// Usage: node live.mjs BASE_URL TOKEN OUTDIR   (a server started with --tokens holding a
// write token whose secret is TOKEN, and a journal of its own: the change is written there)
//
// Fails (exit 1) when the page asks any other host for anything, logs a console error or
// throws, or does not redraw within the step's wait. Saves OUTDIR/live.png (the call drawn).
import fs from 'node:fs';
import path from 'node:path';
import { openOffline, reportFailure } from './offline.mjs';

const [base, token, outdir] = process.argv.slice(2);
if (!base || !token || !outdir) {
  console.error('usage: node live.mjs BASE_URL TOKEN OUTDIR');
  process.exit(2);
}
const baseUrl = new URL(base);
fs.mkdirSync(outdir, { recursive: true });

const ACTOR = 'actor:alejandro-giammattei';
const SOURCE = 'source:report-000-2021-06-08';
// A new id on every run, so that a server kept between runs takes the change as new.
const CALL = `event:2021-06-10-giammattei-live-call-${Date.now()}`;
const STEP_TIMEOUT_MS = 20_000;

const foreign = [];
const problems = [];
const seen = {};

/** Sends a mutation with the write token; returns `data`, throwing on errors. */
async function mutate(query, variables) {
  const response = await fetch(new URL('/graphql', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`API: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The ids drawn, sorted. */
async function drawnIds(page) {
  return page.evaluate(() => window.__explorer.cy.nodes().map((n) => n.id()).sort());
}

/** Waits until `test(ids drawn)` holds. */
async function waitForDrawing(page, what, test) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const ids = await drawnIds(page);
    if (test(ids)) return ids;
    if (Date.now() > deadline) {
      seen.drawn = ids.join(', ');
      throw new Error(`the drawing never ${what}`);
    }
    await page.waitForTimeout(200);
  }
}

const { browser, page, killer } = await openOffline('live', baseUrl, { width: 1366, height: 768 }, 120_000, foreign, problems);
let ok = false;
try {
  await page.goto(new URL(`/explore#${ACTOR}`, baseUrl).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__explorer && window.__explorer.cy, null, { timeout: STEP_TIMEOUT_MS });
  const before = await waitForDrawing(page, `draws ${ACTOR}`, (ids) => ids.includes(ACTOR) && ids.length > 3);
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'ready', null, { timeout: STEP_TIMEOUT_MS });
  const address = await page.evaluate(() => window.location.hash);
  const historyLength = await page.evaluate(() => window.history.length);
  // Give the page's subscription time to be answered (it opens after the first drawing).
  await page.waitForTimeout(1000);

  const applied = await mutate(
    `mutation ($c: ChangeInput!) { applyChange(change: $c) { id ids } }`,
    {
      c: {
        comment: 'live redraw test',
        events: [
          {
            id: CALL,
            title: 'Giammattei calls the test desk',
            summary: 'A call made by the live redraw test.',
            kind: 'CALL',
            status: 'OCCURRED',
            when: '2021-06-10',
            participants: [{ actor: ACTOR, role: 'HOST', sources: [SOURCE] }],
            sources: [SOURCE],
          },
        ],
      },
    },
  );
  seen.applied = JSON.stringify(applied);

  const after = await waitForDrawing(page, `draws ${CALL} after the change`, (ids) => ids.includes(CALL));
  const lost = before.filter((id) => !after.includes(id));
  if (lost.length) throw new Error(`the redraw lost ${lost.join(', ')}`);
  const link = await page.evaluate(
    ([a, b]) => window.__explorer.cy.edges(`[source = "${a}"][target = "${b}"], [source = "${b}"][target = "${a}"]`).length,
    [ACTOR, CALL],
  );
  if (link === 0) throw new Error(`the call is drawn without its link to ${ACTOR}`);
  if ((await page.evaluate(() => window.location.hash)) !== address) throw new Error('the redraw changed the address');
  if ((await page.evaluate(() => window.history.length)) !== historyLength) throw new Error('the redraw added a step to the history');
  await page.waitForSelector(`.ex-details .ex-ref[data-id="${CALL}"]`, { timeout: STEP_TIMEOUT_MS }).catch(() => {
    throw new Error(`the panel of ${ACTOR} does not list the call after the change`);
  });
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'ready', null, { timeout: STEP_TIMEOUT_MS });
  await page.screenshot({ path: path.join(outdir, 'live.png') });

  await mutate(`mutation ($ids: [ID!]!) { retract(ids: $ids, reason: "live redraw test, undone") { id } }`, { ids: [CALL] });
  const undone = await waitForDrawing(page, `drops ${CALL} after its retraction`, (ids) => !ids.includes(CALL));
  const lostAgain = before.filter((id) => !undone.includes(id));
  if (lostAgain.length) throw new Error(`the redraw after the retraction lost ${lostAgain.join(', ')}`);

  await page.waitForTimeout(500);
  if (foreign.length) throw new Error(`the page made ${foreign.length} request(s) to other hosts`);
  if (problems.length) throw new Error(`the page logged ${problems.length} error(s)`);
  ok = true;
  console.log(`live: ok (a change drew ${CALL}, its retraction removed it; ${path.join(outdir, 'live.png')})`);
} catch (err) {
  console.error(`live: FAILED: ${err.message}`);
  await reportFailure('live', page, outdir, seen, foreign, problems);
} finally {
  clearTimeout(killer);
  await browser.close();
}
process.exit(ok ? 0 : 1);
