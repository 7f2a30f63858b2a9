// Drives the playground of a running server in headless Chromium, as a person would:
// open the page, see the mission query, run it, read the answer; then pick the dashboard
// example from the header, run it and read the API's counts; reload, and pick an example
// again: each example keeps one tab. Reloading / keeps one tab and the user's edits. Then
// the same page on a phone.
//
// Usage: node playground.mjs BASE_URL OUTDIR   (e.g. http://127.0.0.1:8080 /tmp/shots)
//
// Fails (exit 1) when the page asks any other host for anything, logs a console error or
// throws, when the editor does not hold the mission query, or when running it does not
// show the López Obrador meetings, or when the dashboard example does not open, answer as the
// API does or keep a single tab, or when a reload of / opens a second tab or loses the
// edited variables, or when at 390 x 844 the page scrolls sideways or the result is not
// under the editors. Saves OUTDIR/playground.png, OUTDIR/playground-dashboard.png (at
// 1366 x 768) and OUTDIR/playground-phone.png (at 390 x 844).
import fs from 'node:fs';
import path from 'node:path';
import { openOffline, reportFailure } from './offline.mjs';

const [base, outdir] = process.argv.slice(2);
if (!base || !outdir) {
  console.error('usage: node playground.mjs BASE_URL OUTDIR');
  process.exit(2);
}
const baseUrl = new URL(base);
fs.mkdirSync(outdir, { recursive: true });

/** The query the page must open with (the first line is enough to tell it apart). */
const MISSION_START = '# All meetings involving López Obrador, with where and when they happened,';
const MISSION_OPERATION = 'query MeetingsWithAgreements($name: String = "Lopez Obrador")';
const EXPECTED_EVENT = 'event:2021-06-08-harris-lopez-obrador';
const STEP_TIMEOUT_MS = 20_000;
/** The dashboard example, as the playground must show it. */
const DASHBOARD = fs.readFileSync(new URL('../../queries/dashboard.graphql', import.meta.url), 'utf8');

const foreign = []; // requests to any host but the server's: each one is a failure
const problems = []; // console errors and uncaught page errors
const seen = {}; // what the page showed, printed on failure

const { browser, page, killer } = await openOffline('playground', baseUrl, { width: 1366, height: 768 }, 90_000, foreign, problems);

let ok = false;
try {

  const response = await page.goto(new URL('/', baseUrl).href, { waitUntil: 'load' });
  if (!response || !response.ok()) {
    throw new Error(`GET / answered ${response ? response.status() : 'nothing'}`);
  }

  // GraphiQL has rendered once its query editor (CodeMirror 5) exists.
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', {
    timeout: STEP_TIMEOUT_MS,
  });
  const explorer = page.locator('a[href="/explore"]');
  seen.explorerLink = (await explorer.count()) ? await explorer.first().innerText() : null;
  if (seen.explorerLink !== 'Graph explorer') {
    throw new Error('the header has no "Graph explorer" link to /explore');
  }

  seen.query = await editorText(page, '.graphiql-query-editor .CodeMirror');
  if (!seen.query.startsWith(MISSION_START) || !seen.query.includes(MISSION_OPERATION)) {
    throw new Error('the query editor does not hold the mission query');
  }
  seen.variables = await editorText(page, '.graphiql-editor-tool .CodeMirror');
  if (!/"name"\s*:\s*"Lopez Obrador"/.test(seen.variables)) {
    throw new Error('the variables editor does not hold {"name": "Lopez Obrador"}');
  }

  await page.click('button.graphiql-execute-button', { timeout: STEP_TIMEOUT_MS });
  try {
    await page.waitForFunction(
      (want) => {
        const cm = document.querySelector('.result-window .CodeMirror');
        const text = cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
        return text.includes(want) || text.includes('"errors"');
      },
      'López Obrador',
      { timeout: STEP_TIMEOUT_MS },
    );
  } finally {
    seen.result = await editorText(page, '.result-window .CodeMirror');
  }
  for (const want of ['López Obrador', '"totalCount"', EXPECTED_EVENT]) {
    if (!seen.result.includes(want)) throw new Error(`the result does not contain ${want}`);
  }

  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outdir, 'playground.png') });

  // Reloads keep one tab and what the user typed (each reload used to open a second
  // "MeetingsWithAgreements" tab with empty variables): once as first shown, once edited.
  const missionVariables = seen.variables;
  const edited = '{\n  "name": "Kamala Harris"\n}';
  await savedInBrowser(page, 'MeetingsWithAgreements');
  for (const variables of [missionVariables, edited]) {
    if (variables !== missionVariables) {
      await setEditorText(page, '.graphiql-editor-tool .CodeMirror', variables);
      await savedInBrowser(page, 'Kamala Harris');
    }
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: STEP_TIMEOUT_MS });
    seen.tabs = await tabTitles(page);
    if (seen.tabs.length !== 1) throw new Error(`a reload of / shows ${seen.tabs.length} tabs, not 1`);
    seen.variables = await editorText(page, '.graphiql-editor-tool .CodeMirror');
    if (seen.variables !== variables) throw new Error('a reload of / does not keep the variables');
    seen.query = await editorText(page, '.graphiql-query-editor .CodeMirror');
    if (!seen.query.startsWith(MISSION_START)) throw new Error('a reload of / does not keep the query');
  }
  await setEditorText(page, '.graphiql-editor-tool .CodeMirror', missionVariables);
  await savedInBrowser(page, 'Lopez Obrador');

  // The dashboard example, picked from the header, opens in a tab of its own and answers
  // what the API answers.
  const want = await api(DASHBOARD);
  await openExample(page, 'Dashboard');
  seen.query = await editorText(page, '.graphiql-query-editor .CodeMirror');
  if (seen.query !== DASHBOARD) throw new Error('the Dashboard example does not put queries/dashboard.graphql in the editor');
  seen.tabs = await tabTitles(page);
  if (seen.tabs.length !== 2) throw new Error(`after picking the dashboard there are ${seen.tabs.length} tabs, not 2`);
  await page.click('button.graphiql-execute-button', { timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(
    () => {
      const cm = document.querySelector('.result-window .CodeMirror');
      const text = cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
      return text.includes('"timeline"') || text.includes('"errors"');
    },
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  seen.result = await editorText(page, '.result-window .CodeMirror');
  let got;
  try {
    got = JSON.parse(seen.result).data;
  } catch {
    throw new Error('the dashboard result is not JSON');
  }
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error('the dashboard result is not what the API answers');
  if (want.events.timeline.length < 2 || want.events.facets.participants.length === 0) {
    throw new Error('the dashboard counts nothing on this seed');
  }
  await page.screenshot({ path: path.join(outdir, 'playground-dashboard.png') });

  // A reload, then each example picked again: still one tab each.
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: STEP_TIMEOUT_MS });
  seen.tabs = await tabTitles(page);
  if (seen.tabs.length !== 2) throw new Error(`after a reload there are ${seen.tabs.length} tabs, not 2`);
  await openExample(page, 'Meetings and agreements');
  seen.query = await editorText(page, '.graphiql-query-editor .CodeMirror');
  if (!seen.query.startsWith(MISSION_START)) throw new Error('the first example does not bring back the mission query');
  await openExample(page, 'Dashboard');
  seen.tabs = await tabTitles(page);
  if (seen.tabs.length !== 2) throw new Error(`picking the examples again makes ${seen.tabs.length} tabs, not 2`);

  // On a phone (390 x 844) the page is not scrolled sideways and the result sits under the
  // editors, as wide as they are.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(new URL('/', baseUrl).href, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: STEP_TIMEOUT_MS });
  await page.click('button.graphiql-execute-button', { timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(
    () => {
      const cm = document.querySelector('.result-window .CodeMirror');
      return cm && cm.CodeMirror ? cm.CodeMirror.getValue().includes('"data"') : false;
    },
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  seen.phone = await page.evaluate(() => {
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
    };
    return {
      pageWidth: document.documentElement.scrollWidth,
      viewportWidth: document.documentElement.clientWidth,
      editors: box('.graphiql-editors'),
      result: box('.graphiql-response'),
    };
  });
  seen.phone = JSON.stringify(seen.phone);
  const phone = JSON.parse(seen.phone);
  if (phone.pageWidth > phone.viewportWidth) {
    throw new Error(`at 390 px the page is ${phone.pageWidth} px wide: it scrolls sideways`);
  }
  if (!phone.editors || !phone.result) throw new Error('at 390 px the editors or the result pane are missing');
  if (phone.result.top < phone.editors.bottom) throw new Error('at 390 px the result is not under the editors');
  if (phone.result.width < phone.editors.width - 1 || phone.result.right > phone.viewportWidth) {
    throw new Error(`at 390 px the result pane is ${Math.round(phone.result.width)} px wide, narrower than the editors`);
  }
  if (phone.result.height < 200) throw new Error(`at 390 px the result pane is ${Math.round(phone.result.height)} px high`);
  await page.screenshot({ path: path.join(outdir, 'playground-phone.png') });

  // Let late requests and errors surface before judging them.
  await page.waitForTimeout(500);
  if (foreign.length) throw new Error(`the page made ${foreign.length} request(s) to other hosts`);
  if (problems.length) throw new Error(`the page logged ${problems.length} error(s)`);
  ok = true;
  console.log(`playground: ok (screenshot ${path.join(outdir, 'playground.png')})`);
} catch (err) {
  console.error(`playground: FAILED: ${err && err.message ? err.message : err}`);
  console.error(`url: ${page.url()}`);
  await reportFailure('playground', page, outdir, seen, foreign, problems);
} finally {
  clearTimeout(killer);
  await browser.close();
}
process.exit(ok ? 0 : 1);

/** Asks the server's API directly (not through the page) for what the page should show. */
async function api(query, variables) {
  const response = await fetch(new URL('/graphql', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`API: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Follows the header's link to the example `name` and waits for the editor. */
async function openExample(page, name) {
  const link = page.locator(`.dg-examples a[data-example="${name}"]`);
  if ((await link.count()) !== 1) throw new Error(`the header offers no "${name}" example`);
  const href = new URL(await link.getAttribute('href'), baseUrl).href;
  await Promise.all([page.waitForURL(href, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS }), link.click()]);
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: STEP_TIMEOUT_MS });
}

/** The titles of GraphiQL's tabs (it draws none while there is only one). */
async function tabTitles(page) {
  const titles = await page.locator('.graphiql-tab').evaluateAll((els) => els.map((e) => e.innerText.trim()));
  return titles.length ? titles : ['(one tab)'];
}

/** Replaces the text of the CodeMirror 5 editor under `selector`, as typing would. */
async function setEditorText(page, selector, text) {
  await page.evaluate(([sel, value]) => document.querySelector(sel).CodeMirror.setValue(value), [selector, text]);
}

/** Waits until GraphiQL has saved tabs whose text contains `text` in the browser's storage. */
async function savedInBrowser(page, text) {
  await page.waitForFunction((want) => (window.localStorage.getItem('graphiql:tabState') || '').includes(want), text, {
    timeout: STEP_TIMEOUT_MS,
  });
}

/** The full text of the CodeMirror 5 editor under `selector` ('' if there is none). */
async function editorText(page, selector) {
  return page.evaluate((sel) => {
    const cm = document.querySelector(sel);
    return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
  }, selector);
}
