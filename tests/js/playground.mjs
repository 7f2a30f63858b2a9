// Drives the playground of a running server in headless Chromium, as a person would: open
// the page, see the mission query, run it, read the answer; reload (one tab, the user's
// edits kept); pick each example from the header's menu, run it and compare with the API;
// reload and pick examples again (one tab each); drag the last tab to the front; share a query and open the shared address
// as a newcomer, tick a field in the query builder; then the same page on a phone.
//
// Usage: node playground.mjs BASE_URL OUTDIR   (e.g. http://127.0.0.1:8080 /tmp/shots)
//
// Fails (exit 1) when the page asks any other host for anything, logs a console error or
// throws, when the editor does not hold the mission query, or when running it does not
// show the López Obrador meetings, when a reload of / opens a second tab or loses the
// edited variables, when an example does not open its queries/ file in one tab or answer as
// the API does, when a dragged tab does not take its new place, when Share does not put the query and variables in the address or the
// shared address does not open them, when ticking a field in the query builder does not
// add it to the query, or when at 390 x 844 the page scrolls sideways or the result is not
// under the editors. Saves OUTDIR/playground.png, playground-dashboard.png,
// playground-explorer.png (at 1366 x 768), playground-phone.png and
// playground-phone-explorer.png (at 390 x 844).
import fs from 'node:fs';
import path from 'node:path';
import { openOffline, reportFailure } from './offline.mjs';
import { describeLoad, measureLoad } from './weight.mjs';

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
/** A shared client query file of queries/. */
const clientQuery = (file) => fs.readFileSync(new URL(`../../queries/${file}`, import.meta.url), 'utf8');
/**
 * The examples the header's menu must offer after the mission query, in order, each with a
 * check that its answer on the seed says something.
 */
const EXAMPLES = [
  {
    name: 'Meetings at a place in a month',
    file: 'meetings-at-place.graphql',
    check: (data) => {
      if (data.events.totalCount === 0) throw new Error('no meetings at the example place and month');
    },
  },
  {
    name: 'Path between two actors',
    file: 'path.graphql',
    check: (data) => {
      if (!data.path || data.path.hops < 1) throw new Error('no path between the example actors');
    },
  },
  {
    name: 'Dashboard of facets',
    file: 'dashboard.graphql',
    check: (data) => {
      if (data.events.timeline.length < 2 || data.events.facets.participants.length === 0) {
        throw new Error('the dashboard counts nothing on this seed');
      }
    },
  },
].map((ex) => ({ ...ex, query: clientQuery(ex.file) }));

const foreign = []; // requests to any host but the server's: each one is a failure
const problems = []; // console errors and uncaught page errors
const seen = {}; // what the page showed, printed on failure

const { browser, page, killer } = await openOffline('playground', baseUrl, { width: 1366, height: 768 }, 180_000, foreign, problems);

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
  const missionQuery = seen.query;
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

  // The checkbox query builder is open for a newcomer on a wide screen and stays so across
  // reloads; closed, it stays closed (checked after the next reload, below).
  if (!(await page.locator('.graphiql-explorer-root').isVisible())) throw new Error('the query builder is not open');
  await page.click('.graphiql-sidebar button[aria-label="Hide GraphiQL Explorer"]', { timeout: STEP_TIMEOUT_MS });
  await page.waitForSelector('.graphiql-explorer-root', { state: 'detached', timeout: STEP_TIMEOUT_MS });

  // Each example of the header's menu opens its shared query (queries/) in a tab of its own,
  // with its variables, and answers what the API answers.
  for (const [i, example] of EXAMPLES.entries()) {
    await openExample(page, example.name, example.query);
    seen.tabs = await tabTitles(page);
    if (seen.tabs.length !== i + 2) throw new Error(`after the "${example.name}" example there are ${seen.tabs.length} tabs, not ${i + 2}`);
    seen.variables = await editorText(page, '.graphiql-editor-tool .CodeMirror');
    const want = await api(example.query, JSON.parse(seen.variables));
    const got = await runQuery(page);
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`the "${example.name}" result is not what the API answers`);
    example.check(want);
  }
  await page.screenshot({ path: path.join(outdir, 'playground-dashboard.png') });
  await savedInBrowser(page, '"title":"Dashboard"');

  // A reload, then examples picked again: still one tab each.
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: STEP_TIMEOUT_MS });
  const tabCount = EXAMPLES.length + 1;
  if (await page.locator('.graphiql-explorer-root').count()) throw new Error('the closed query builder opens again on a reload');
  seen.tabs = await tabTitles(page);
  if (seen.tabs.length !== tabCount) throw new Error(`after a reload there are ${seen.tabs.length} tabs, not ${tabCount}`);
  await openExample(page, 'Meetings of an actor', missionQuery);
  await openExample(page, EXAMPLES[0].name, EXAMPLES[0].query);
  seen.tabs = await tabTitles(page);
  if (seen.tabs.length !== tabCount) throw new Error(`picking the examples again makes ${seen.tabs.length} tabs, not ${tabCount}`);

  // A tab dragged along the bar takes its new place (the last one dragged onto the first).
  const before = await tabTitles(page);
  const tabs = page.locator('.graphiql-tab');
  const first = await tabs.first().boundingBox();
  const last = await tabs.last().boundingBox();
  await page.mouse.move(last.x + last.width / 2, last.y + last.height / 2);
  await page.mouse.down();
  await page.mouse.move(first.x + first.width / 2, first.y + first.height / 2, { steps: 8 });
  await page.mouse.up();
  seen.tabs = await tabTitles(page);
  const want = [before[before.length - 1], ...before.slice(0, -1)];
  if (JSON.stringify(seen.tabs) !== JSON.stringify(want)) {
    throw new Error(`dragging the last tab onto the first gives ${JSON.stringify(seen.tabs)}, not ${JSON.stringify(want)}`);
  }

  // Share puts the open tab's query and variables in the address; the address is dropped
  // once the text changes; a newcomer who opens the shared address sees that query, with the
  // checkbox query builder open beside it.
  const shared = {
    query: '# Who is Giammattei?\nquery Shared($name: String!) {\n  actor(name: $name) {\n    id\n    name\n  }\n}\n',
    variables: '{\n  "name": "Giammattei"\n}',
  };
  await setEditorText(page, '.graphiql-query-editor .CodeMirror', shared.query);
  await setEditorText(page, '.graphiql-editor-tool .CodeMirror', shared.variables);
  await page.click('.dg-share button', { timeout: STEP_TIMEOUT_MS });
  const sharedUrl = new URL(page.url());
  seen.sharedUrl = sharedUrl.href;
  if (sharedUrl.pathname !== '/' || sharedUrl.searchParams.get('query') !== shared.query) {
    throw new Error('Share does not put the query in the address');
  }
  if (sharedUrl.searchParams.get('variables') !== shared.variables) throw new Error('Share does not put the variables in the address');
  seen.said = await page.locator('.dg-said').innerText();
  if (!/Link (copied|in the address bar)/.test(seen.said)) throw new Error('Share does not say what it did');
  await setEditorText(page, '.graphiql-editor-tool .CodeMirror', '{\n  "name": "Harris"\n}');
  await page.waitForFunction(() => window.location.search === '', null, { timeout: STEP_TIMEOUT_MS });

  // A newcomer: nothing saved in this browser (cleared from a page of the server that does
  // not run GraphiQL, so that no late save of the playground writes it back).
  await page.goto(new URL('/health', baseUrl).href, { waitUntil: 'load' });
  await page.evaluate(() => window.localStorage.clear());
  await page.goto(sharedUrl.href, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: STEP_TIMEOUT_MS });
  seen.query = await editorText(page, '.graphiql-query-editor .CodeMirror');
  seen.variables = await editorText(page, '.graphiql-editor-tool .CodeMirror');
  if (seen.query !== shared.query) throw new Error('the shared address does not open its query');
  if (seen.variables !== shared.variables) throw new Error('the shared address does not open its variables');
  seen.tabs = await tabTitles(page);
  if (seen.tabs.length !== 1) throw new Error(`a newcomer opening the shared address has ${seen.tabs.length} tabs, not 1`);
  const answer = await runQuery(page);
  if (!answer || !answer.actor || answer.actor.name !== 'Alejandro Giammattei') throw new Error('the shared query does not answer');

  // The query builder: ticking a field adds it to the query.
  await page.waitForSelector('.graphiql-explorer-root', { timeout: STEP_TIMEOUT_MS });
  const aliases = page.locator('.graphiql-explorer-root .graphiql-explorer-aliases > span[data-field-name="aliases"]').first();
  await aliases.click({ timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(
    () => /\baliases\b/.test(document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()),
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  await page.screenshot({ path: path.join(outdir, 'playground-explorer.png') });

  // On a phone (390 x 844) the page is not scrolled sideways and the result sits under the
  // editors, as wide as they are.
  // The docs render the schema's descriptions as markdown (markdown-it, its character
  // references decoded by the browser).
  await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]', { timeout: STEP_TIMEOUT_MS });
  await page.locator('.graphiql-doc-explorer a', { hasText: /^Query$/ }).first().click({ timeout: STEP_TIMEOUT_MS });
  await page.getByText('Shortest chain of facts linking two entities').first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.click('.graphiql-sidebar button[aria-label="Hide Documentation Explorer"]', { timeout: STEP_TIMEOUT_MS });

  // A newcomer on a phone: the query builder is not open.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(new URL('/health', baseUrl).href, { waitUntil: 'load' });
  await page.evaluate(() => window.localStorage.clear());
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
  if (await page.locator('.graphiql-explorer-root').count()) throw new Error('at 390 px the query builder opens by itself');
  await page.screenshot({ path: path.join(outdir, 'playground-phone.png') });

  // Opened on the phone, the query builder shows in place of the editors, not beside them.
  await page.click('.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]', { timeout: STEP_TIMEOUT_MS });
  await page.waitForSelector('.graphiql-explorer-root', { timeout: STEP_TIMEOUT_MS });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 390) throw new Error(`at 390 px with the query builder open the page is ${wide} px wide`);
  if (await page.locator('.graphiql-editors').isVisible()) throw new Error('at 390 px the query builder shares the screen with the editors');
  await page.screenshot({ path: path.join(outdir, 'playground-phone-explorer.png') });
  await page.click('.graphiql-sidebar button[aria-label="Hide GraphiQL Explorer"]', { timeout: STEP_TIMEOUT_MS });
  await page.waitForSelector('.graphiql-editors', { state: 'visible', timeout: STEP_TIMEOUT_MS });

  // Weight: a newcomer's first load on a phone network (Fast 3G), until the editor holds
  // the mission query and the schema has arrived (autocompletion, docs, query builder).
  // Printed, not judged: the time depends on the machine. The style sheet is bounded:
  // without web fonts it is some 55 KB, with them it was 411 KB.
  const weight = await measureLoad(
    browser,
    baseUrl,
    new URL('/', baseUrl).href,
    { width: 390, height: 844 },
    async (p) => {
      const schema = p.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' && r.request().method() === 'POST', {
        timeout: 120_000,
      });
      await p.waitForFunction(
        (start) => {
          const cm = document.querySelector('.graphiql-query-editor .CodeMirror');
          return cm && cm.CodeMirror ? cm.CodeMirror.getValue().startsWith(start) : false;
        },
        MISSION_START,
        { timeout: 120_000 },
      );
      await (await schema).finished();
    },
    foreign,
    problems,
  );
  console.log(describeLoad('playground', weight));
  // The schema is asked once, by index.html as the page starts, and GraphiQL takes that answer.
  const asked = weight.resources.filter((r) => r.path === '/graphql').length;
  if (asked !== 1) throw new Error(`the throttled load asked /graphql ${asked} times, not once`);
  // Assets are served under content-hashed names (playground.<hash>.css), precompressed.
  const css = weight.resources.find((r) => /^\/playground\/playground(\.[0-9a-f]+)?\.css$/.test(r.path));
  if (!css) throw new Error('the throttled load did not fetch playground.css');
  // Issue 16's weight: a first visit transfers under 500 KB (bytes, not time: the time is printed).
  if (weight.bytes > 500 * 1024) throw new Error(`the first visit transferred ${Math.round(weight.bytes / 1024)} KB (over 500 KB): compression or the bundle`);
  if (css.decoded > 100 * 1024) throw new Error(`playground.css is ${Math.round(css.decoded / 1024)} KB: web fonts in the bundle again?`);

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

/** Picks the example `name` in the header's Examples menu; waits until the editor holds `query`. */
async function openExample(page, name, query) {
  await page.click('.dg-examples summary', { timeout: STEP_TIMEOUT_MS });
  const link = page.locator(`.dg-examples a[data-example="${name}"]`);
  if ((await link.count()) !== 1) throw new Error(`the Examples menu offers no "${name}" example`);
  await link.click({ timeout: STEP_TIMEOUT_MS });
  try {
    await page.waitForFunction(
      (want) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue() === want,
      query,
      { timeout: STEP_TIMEOUT_MS },
    );
  } catch {
    throw new Error(`the "${name}" example does not put its query in the editor`);
  }
  // GraphiQL reads the operation's name from the editor 100 ms after a change (a person is
  // not faster); until then it would send the previous tab's name. The tab's title is set
  // from that reading.
  const operation = /^\s*query\s+(\w+)/m.exec(query)[1];
  await page.waitForFunction((want) => {
    const active = document.querySelector('.graphiql-tab-active');
    return active && active.innerText.trim() === want;
  }, operation, { timeout: STEP_TIMEOUT_MS });
  if (await page.locator('.dg-examples[open]').count()) throw new Error('the Examples menu stays open after a choice');
}

/** Runs the open tab and returns the `data` of its result (failing on errors or non-JSON). */
async function runQuery(page) {
  await page.click('button.graphiql-execute-button', { timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(
    () => {
      const cm = document.querySelector('.result-window .CodeMirror');
      const text = cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
      return text.includes('"data"') || text.includes('"errors"');
    },
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  seen.result = await editorText(page, '.result-window .CodeMirror');
  let body;
  try {
    body = JSON.parse(seen.result);
  } catch {
    throw new Error('the result is not JSON');
  }
  if (body.errors) throw new Error(`the query answered errors: ${JSON.stringify(body.errors)}`);
  return body.data;
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
