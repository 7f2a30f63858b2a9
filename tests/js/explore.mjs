// Drives the graph explorer of a running server in headless Chromium, as an analyst would:
// search "Giammattei" with the keyboard, open the actor, click the meeting in the drawing,
// then an agreement in the panel, and read its title and sources; finally open the panel's
// query in the playground ("Copy as GraphQL") and run it there. On the way, the timeline
// strip must chart the API's months (`timeline(bucket: MONTH)`) of the events drawn, and the
// panel must show its facets (kinds, countries, who it meets most) as the API counts them,
// for the actor and then for a place whose events span years (empty months included).
// Then issue 16's second round, each step a function below: a chain from "Connect to…" and a
// search hit added (checkPath); the address restoring a view, Undo, Back and Forward
// (checkAddress); PNG, GraphML, JSON, CSV and GraphQL exports (checkExport); the keyboard
// walk (checkKeyboard); the map (checkMap); Mexico City's panel, drawing and timeline
// counting the same events (checkPlaceAgrees); kind, event-kind, date-brush and known-by
// filters (checkFilters); the month chart following the drawing (checkMonthsFollowDrawing); label overlaps on the Harris hub and folded parts (checkHub);
// statement labels (checkStatementLabels); and at 390x844 (a phone) search, drawing, panel
// (a bottom sheet) in that order, no wider than the screen (checkPhone).
//
// Usage: node explore.mjs BASE_URL OUTDIR   (e.g. http://127.0.0.1:8080 /tmp/shots)
//
// Fails (exit 1) when the page asks any other host for anything, logs a console error or
// throws, or when a step does not show what the API says it should. The expectations (the
// meeting's participants, its agreements and their sources) are read from the API itself.
// Saves OUTDIR/explore-search.png (the actor drawn), OUTDIR/explore.png (the agreement
// open), OUTDIR/explore-query.png (its query shown), OUTDIR/explore-playground.png (the
// query run in the playground), OUTDIR/explore-place.png (a place's months and facets), and
// explore-path, -keyboard, -map, -filters, -hub, -hub-folded and -phone.png.
import fs from 'node:fs';
import path from 'node:path';
import { openOffline, reportFailure } from './offline.mjs';
import { describeLoad, measureLoad } from './weight.mjs';

const [base, outdir] = process.argv.slice(2);
if (!base || !outdir) {
  console.error('usage: node explore.mjs BASE_URL OUTDIR');
  process.exit(2);
}
const baseUrl = new URL(base);
fs.mkdirSync(outdir, { recursive: true });

const ACTOR = 'actor:alejandro-giammattei';
const MEETING = 'event:2021-06-07-harris-giammattei';
const PLACE = 'place:mexico';
const STEP_TIMEOUT_MS = 20_000;

const foreign = []; // requests to any host but the server's: each one is a failure
const problems = []; // console errors and uncaught page errors
const seen = {}; // what the page showed, printed on failure

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

const expected = (
  await api(
    `query ($id: ID!) {
      event(id: $id) {
        title
        participants { actor { id name } }
        agreements { id title sources { id } }
      }
    }`,
    { id: MEETING },
  )
).event;
if (!expected || expected.participants.length < 2 || expected.agreements.length < 1) {
  console.error(`explore: the seed does not hold ${MEETING} with participants and an agreement`);
  process.exit(1);
}
const AGREEMENT = expected.agreements[0];

/** What the API counts over the events of `id` (an actor or a place), asked directly. */
async function analytics(id) {
  const data = await api(
    `query ($id: ID!) {
      node(id: $id) {
        ... on Actor { events { ...Counts } }
        ... on Place { events { ...Counts } }
      }
    }
    fragment Counts on EventConnection {
      timeline(bucket: MONTH) { label count }
      facets {
        kinds { kind count }
        countries(first: 5) { place { id } count }
        participants(first: 6) { actor { id } count }
      }
    }`,
    { id },
  );
  const ev = data.node.events;
  return {
    months: ev.timeline.map((b) => [b.label, b.count]),
    kinds: ev.facets.kinds.map((k) => [k.kind, k.count]),
    countries: ev.facets.countries.map((c) => [c.place.id, c.count]),
    participants: ev.facets.participants
      .filter((p) => p.actor.id !== id)
      .slice(0, 5)
      .map((p) => [p.actor.id, p.count]),
  };
}
const actorCounts = await analytics(ACTOR);
const placeCounts = await analytics(PLACE);
if (placeCounts.months.length < 3 || !placeCounts.months.some(([, n]) => n === 0)) {
  console.error(`explore: ${PLACE} no longer has events over months with an empty one between`);
  process.exit(1);
}

// A laptop screen: the page must be readable at 1366x768.
const { browser, page, killer } = await openOffline('explore', baseUrl, { width: 1366, height: 768 }, 120_000, foreign, problems);

let ok = false;
try {

  const response = await page.goto(new URL('/explore', baseUrl).href, { waitUntil: 'load' });
  if (!response || !response.ok()) {
    throw new Error(`GET /explore answered ${response ? response.status() : 'nothing'}`);
  }
  await page.waitForFunction(() => window.__explorer && window.__explorer.cy, null, { timeout: STEP_TIMEOUT_MS });
  const back = page.locator('a[href="/"]');
  if ((await back.count()) === 0) throw new Error('the header has no link back to the playground');

  // Keyboard: the search field has the focus on arrival, and "/" brings it back; typing
  // shows results; the arrow keys walk them to the actor; Enter opens it.
  seen.focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (seen.focused !== 'ex-search-input') throw new Error('the search field does not have the focus on arrival');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('/');
  seen.focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (seen.focused !== 'ex-search-input') throw new Error('"/" does not move the focus to the search field');
  await page.keyboard.type('Giammattei', { delay: 30 });
  await page.waitForSelector(`#ex-search-results [role="option"][data-id="${ACTOR}"]`, {
    state: 'visible',
    timeout: STEP_TIMEOUT_MS,
  });
  seen.results = await page.locator('#ex-search-results [role="option"]').evaluateAll((els) =>
    els.map((e) => `${e.dataset.id}  ${e.innerText.replace(/\s+/g, ' ')}`),
  );
  for (let i = 0; i <= seen.results.length; i += 1) {
    if ((await activeOption(page)) === ACTOR) break;
    await page.keyboard.press('ArrowDown');
  }
  if ((await activeOption(page)) !== ACTOR) throw new Error(`the arrow keys never reach ${ACTOR} in the results`);
  await page.keyboard.press('Enter');

  // The actor's neighbourhood is drawn, the meeting in it, and the panel tells of the actor.
  await waitForNodes(page, [ACTOR, MEETING]);
  await waitForPanel(page, ACTOR);
  seen.panelTitle = await page.locator('#ex-details-title').innerText();
  if (!/Giammattei/.test(seen.panelTitle)) throw new Error('the panel does not show the actor');
  await checkCounts(page, ACTOR, actorCounts, 'actor');
  await page.screenshot({ path: path.join(outdir, 'explore-search.png') });

  // Click the meeting in the drawing: it opens in the panel and expands to its participants.
  await clickNode(page, MEETING);
  const participants = expected.participants.map((p) => p.actor.id);
  await waitForNodes(page, [MEETING, ...participants]);
  await waitForPanel(page, MEETING);
  seen.panelTitle = await page.locator('#ex-details-title').innerText();
  if (seen.panelTitle !== expected.title) throw new Error(`the panel does not show "${expected.title}"`);
  for (const p of expected.participants) {
    const ref = page.locator(`.ex-details .ex-list .ex-ref[data-id="${p.actor.id}"]`);
    if ((await ref.count()) === 0) throw new Error(`the panel does not list the participant ${p.actor.name}`);
  }
  seen.timeline = await page.locator('.ex-timeline .ex-tl-item').evaluateAll((els) => els.map((e) => e.dataset.id));
  if (!seen.timeline.includes(MEETING)) throw new Error('the timeline does not hold the meeting');
  const current = await page.locator('.ex-tl-item[aria-current="true"]').getAttribute('data-id');
  if (current !== MEETING) throw new Error('the timeline does not mark the meeting as the one open');

  // Then an agreement reached there, from the panel: its title and each of its sources.
  await page.click(`.ex-details .ex-list .ex-ref[data-id="${AGREEMENT.id}"]`, { timeout: STEP_TIMEOUT_MS });
  await waitForPanel(page, AGREEMENT.id);
  await waitForNodes(page, [AGREEMENT.id]);
  seen.panelTitle = await page.locator('#ex-details-title').innerText();
  if (seen.panelTitle !== AGREEMENT.title) throw new Error(`the panel does not show "${AGREEMENT.title}"`);
  seen.sources = await page
    .locator('.ex-details .ex-cites .ex-source')
    .evaluateAll((els) => els.map((e) => e.dataset.id));
  const wantSources = AGREEMENT.sources.map((s) => s.id);
  if (JSON.stringify(seen.sources) !== JSON.stringify(wantSources)) {
    throw new Error(`the panel cites ${JSON.stringify(seen.sources)}, not the agreement's sources ${JSON.stringify(wantSources)}`);
  }

  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outdir, 'explore.png') });

  // "Copy as GraphQL" shows the query the panel used and links to the playground with it.
  await page.getByRole('button', { name: 'Copy as GraphQL' }).click();
  seen.query = await page.locator('.ex-graphql pre').first().innerText();
  if (!seen.query.startsWith('query AgreementDetails($id: ID!)')) throw new Error('the panel shows no query');
  const link = await page.locator('.ex-graphql a', { hasText: 'Open in playground' }).getAttribute('href');
  if (!link || !link.startsWith('/?query=')) throw new Error(`the playground link is ${link}`);
  await page.screenshot({ path: path.join(outdir, 'explore-query.png') });

  // The link opens the playground with that query and its variables; running it answers.
  await page.goto(new URL(link, baseUrl).href, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: STEP_TIMEOUT_MS });
  seen.playgroundQuery = await editorText(page, '.graphiql-query-editor .CodeMirror');
  if (seen.playgroundQuery !== seen.query) throw new Error('the playground does not hold the panel query');
  seen.playgroundVariables = await editorText(page, '.graphiql-editor-tool .CodeMirror');
  if (!seen.playgroundVariables.includes(AGREEMENT.id)) throw new Error('the playground does not hold the variables');
  await page.click('button.graphiql-execute-button', { timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(
    (want) => {
      const cm = document.querySelector('.result-window .CodeMirror');
      const text = cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
      return text.includes(want) || text.includes('"errors"');
    },
    AGREEMENT.title,
    { timeout: STEP_TIMEOUT_MS },
  );
  seen.playgroundResult = await editorText(page, '.result-window .CodeMirror');
  if (!seen.playgroundResult.includes(AGREEMENT.title)) throw new Error('running the query in the playground failed');
  await page.screenshot({ path: path.join(outdir, 'explore-playground.png') });

  // A place drawn from the address: the strip charts its months, empty ones included, and
  // the panel shows its facets.
  await page.goto(new URL(`/explore#${PLACE}`, baseUrl).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__explorer && window.__explorer.cy, null, { timeout: STEP_TIMEOUT_MS });
  await waitForNodes(page, [PLACE]);
  await waitForPanel(page, PLACE);
  await checkCounts(page, PLACE, placeCounts, 'place');
  await page.screenshot({ path: path.join(outdir, 'explore-place.png') });

  await checkPath(page);
  await checkAddress(page);
  await checkExport(page);
  await checkKeyboard(page);
  await checkMap(page);
  await checkPlaceAgrees(page);
  await checkFilters(page);
  await checkMonthsFollowDrawing(page);
  await checkHub(page);
  await checkStatementLabels(page);
  await checkPhone(page);

  // Weight: a first visit on a phone network (Fast 3G), until the drawing is on screen.
  // Printed, not judged: the time depends on the machine.
  const weight = await measureLoad(
    browser,
    baseUrl,
    new URL('/explore', baseUrl).href,
    { width: 390, height: 844 },
    (p) => p.waitForFunction(() => window.__explorer && window.__explorer.cy, null, { timeout: 120_000 }),
    foreign,
    problems,
  );
  console.log(describeLoad('explorer', weight));

  // Let late requests and errors surface before judging them.
  await page.waitForTimeout(500);
  if (foreign.length) throw new Error(`the page made ${foreign.length} request(s) to other hosts`);
  if (problems.length) throw new Error(`the page logged ${problems.length} error(s)`);
  ok = true;
  console.log(`explore: ok (screenshots ${path.join(outdir, 'explore-search.png')}, ${path.join(outdir, 'explore.png')})`);
} catch (err) {
  console.error(`explore: FAILED: ${err && err.message ? err.message : err}`);
  console.error(`url: ${page.url()}`);
  try {
    seen.drawn = await drawnIds(page);
  } catch {
    // The page may be gone.
  }
  await reportFailure('explore', page, outdir, seen, foreign, problems);
} finally {
  clearTimeout(killer);
  await browser.close();
}
process.exit(ok ? 0 : 1);

/** The API's months (`timeline(bucket: MONTH)`) of exactly the events `ids`, as [label, count]. */
async function monthsOf(ids) {
  const data = await api(
    `query ($ids: [ID!]) { events(filter: { ids: $ids }, first: 0) { totalCount timeline(bucket: MONTH) { label count } } }`,
    { ids },
  );
  return { total: data.events.totalCount, months: data.events.timeline.map((b) => [b.label, b.count]) };
}

/**
 * Waits for the month chart of the drawing around `id` to settle, and returns the events
 * drawn (every event node, filters aside), what the chart shows and what the API says of
 * exactly those events.
 */
async function chartedMonths(page, id) {
  try {
    await page.waitForSelector(`.ex-months[data-id="${id}"][data-status="ready"] .ex-month`, { timeout: STEP_TIMEOUT_MS });
    await page.waitForFunction(() => document.documentElement.dataset.explorer === 'ready', null, { timeout: STEP_TIMEOUT_MS });
  } catch {
    throw new Error(`the timeline strip charts no month of the drawing around ${id}`);
  }
  const ids = await page.evaluate(() => window.__explorer.cy.nodes('[type = "Event"]').map((n) => n.id()));
  const shown = await page
    .locator(`.ex-months[data-id="${id}"] .ex-month`)
    .evaluateAll((els) => els.map((e) => [e.dataset.label, Number(e.dataset.count)]));
  const total = Number(await page.locator(`.ex-months[data-id="${id}"]`).getAttribute('data-total'));
  return { ids, shown, total, want: await monthsOf(ids) };
}

/**
 * Checks that the timeline strip charts the API's months of the events drawn around `id`
 * (the brush's span: `events(filter: { ids })`, not all of `id`'s events), and that the
 * panel's facets list `want`'s kinds, countries and participants with the API's counts, in
 * its order.
 */
async function checkCounts(page, id, want, key) {
  const chart = await chartedMonths(page, id);
  const months = chart.shown;
  seen[`${key}Months`] = months;
  if (JSON.stringify(months) !== JSON.stringify(chart.want.months)) {
    throw new Error(`the strip charts ${JSON.stringify(months)}, not the API's months of the events drawn ${JSON.stringify(chart.want.months)}`);
  }
  if (chart.total !== chart.ids.length) throw new Error(`the strip counts ${chart.total} events, ${chart.ids.length} are drawn`);
  if (want.months.some(([, n]) => n === 0) && !months.some(([, n]) => n === 0)) {
    throw new Error('the strip leaves out the empty months between the events drawn');
  }
  // The busiest month's count is written over its bar.
  const busiest = months.reduce((a, b) => (b[1] > a[1] ? b : a));
  const label = await page.locator(`.ex-month[data-label="${busiest[0]}"] .ex-month-count`).innerText();
  if (Number(label) !== busiest[1]) throw new Error(`the bar of ${busiest[0]} reads ${label}, not ${busiest[1]}`);
  for (const facet of ['kinds', 'countries', 'participants']) {
    const rows = await page
      .locator(`.ex-details .ex-facets [data-facet="${facet}"] li`)
      .evaluateAll((els) => els.map((e) => [e.dataset.key, Number(e.querySelector('.ex-facet-count').innerText)]));
    seen[`${key}Facet_${facet}`] = rows;
    if (JSON.stringify(rows) !== JSON.stringify(want[facet])) {
      throw new Error(`the panel's ${facet} of ${id} are ${JSON.stringify(rows)}, not the API's ${JSON.stringify(want[facet])}`);
    }
  }
}

/** Draws `id` from the address on a fresh page and waits for it and its panel. */
async function openFromAddress(page, id) {
  await page.goto('about:blank');
  await page.goto(new URL(`/explore#${id}`, baseUrl).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__explorer && window.__explorer.cy, null, { timeout: STEP_TIMEOUT_MS });
  await waitForNodes(page, [id]);
  await waitForPanel(page, id);
}

/** The ids of the events drawn and visible. */
async function drawnEvents(page) {
  return page.evaluate(() =>
    window.__explorer.cy
      .nodes('[type = "Event"]')
      .not('.hidden')
      .map((n) => n.id())
      .sort(),
  );
}

/**
 * Mexico City's panel counts the events at the city and at the venues inside it: the drawing
 * must hold the same events (the API's list), and the timeline strip list them all.
 */
async function checkPlaceAgrees(page) {
  const CITY = 'place:mexico-city';
  const want = (
    await api(`query ($id: ID!) { node(id: $id) { ... on Place { events(first: 100) { totalCount nodes { id } } } } }`, {
      id: CITY,
    })
  ).node.events;
  const inside = await api(`query ($id: ID!) { node(id: $id) { ... on Place { contains { id } } } }`, { id: CITY });
  if (inside.node.contains.length === 0 || want.totalCount < 6) {
    throw new Error(`${CITY} no longer has venues inside it with events of their own`);
  }
  await openFromAddress(page, CITY);
  const panel = await page.locator('.ex-details .ex-section h3', { hasText: 'Events here' }).locator('.ex-count').innerText();
  seen.cityPanelCount = panel;
  const drawn = await drawnEvents(page);
  seen.cityDrawn = drawn;
  const ids = want.nodes.map((n) => n.id).sort();
  if (Number(panel) !== want.totalCount) throw new Error(`the panel counts ${panel} events at ${CITY}, the API ${want.totalCount}`);
  if (JSON.stringify(drawn) !== JSON.stringify(ids)) {
    throw new Error(`the drawing holds ${drawn.length} events at ${CITY}, the panel counts ${panel}`);
  }
  const listed = await page.locator('.ex-timeline .ex-tl-item').count();
  if (listed !== want.totalCount) throw new Error(`the timeline lists ${listed} events, the panel counts ${panel}`);
}

/**
 * The month chart follows the drawing: hiding a drawn event (Delete on the canvas) charts
 * the events left, as the API counts exactly those, one fewer in all.
 */
async function checkMonthsFollowDrawing(page) {
  await openFromAddress(page, ACTOR);
  const before = await chartedMonths(page, ACTOR);
  await page.evaluate((id) => {
    const cy = window.__explorer.cy;
    cy.$(':selected').unselect();
    cy.getElementById(id).select();
  }, MEETING);
  await page.focus('.ex-canvas');
  await page.keyboard.press('Delete');
  await page.waitForFunction(
    (n) => Number(document.querySelector('.ex-months') && document.querySelector('.ex-months').dataset.total) === n,
    before.ids.length - 1,
    { timeout: STEP_TIMEOUT_MS },
  );
  const after = await chartedMonths(page, ACTOR);
  seen.monthsAfterHiding = after.shown;
  if (after.ids.includes(MEETING) || after.ids.length !== before.ids.length - 1) throw new Error('Delete did not hide the meeting');
  if (JSON.stringify(after.shown) !== JSON.stringify(after.want.months) || after.want.total !== before.want.total - 1) {
    throw new Error(`after hiding the meeting the strip charts ${JSON.stringify(after.shown)}, the API ${JSON.stringify(after.want.months)}`);
  }
}

/** The ids of the drawn nodes of `type` that are visible, and of those dimmed. */
async function visibleOfType(page, type) {
  return page.evaluate((t) => {
    const nodes = window.__explorer.cy.nodes(`[type = "${t}"]`).not('.hidden');
    return { ids: nodes.map((n) => n.id()).sort(), faded: nodes.filter('.faded').map((n) => n.id()).sort() };
  }, type);
}

/**
 * Filters on Mexico City's drawing: the legend hides and shows a kind; the event-kind filter
 * keeps one kind of event; dragging across the month chart dims the events outside the
 * months chosen (in the drawing and the timeline); "known by" hides what no report had told
 * by that day (the API's knownBy answer).
 */
async function checkFilters(page) {
  const CITY = 'place:mexico-city';
  const DAY = '2021-06-08';
  await openFromAddress(page, CITY);
  const all = await visibleOfType(page, 'Event');
  await page.click('.ex-legend button[data-kind="Event"]');
  if ((await visibleOfType(page, 'Event')).ids.length !== 0) throw new Error('the legend does not hide the events');
  await page.click('.ex-legend button[data-kind="Event"]');
  if ((await visibleOfType(page, 'Event')).ids.length !== all.ids.length) throw new Error('the legend does not show the events again');

  await page.click('.ex-filters summary');
  const kinds = await page.evaluate(() => window.__explorer.cy.nodes('[type = "Event"]').map((n) => n.data('entity').kind));
  const kind = kinds.find((k) => kinds.filter((x) => x === k).length < kinds.length);
  if (!kind) throw new Error(`${CITY} no longer has events of two kinds`);
  await page.selectOption('.ex-filters select', kind);
  const kept = await visibleOfType(page, 'Event');
  seen.kindKept = kept.ids;
  if (kept.ids.length !== kinds.filter((k) => k === kind).length) throw new Error(`the event-kind filter does not keep the ${kind} events alone`);
  await page.selectOption('.ex-filters select', '');

  // The brush: drag from the first month to the one after it.
  await chartedMonths(page, CITY);
  const months = await page.locator('.ex-months .ex-month').evaluateAll((els) => els.map((e) => e.dataset.label));
  const [a, b] = [months[0], months[1]];
  const boxA = await page.locator(`.ex-month[data-label="${a}"]`).boundingBox();
  const boxB = await page.locator(`.ex-month[data-label="${b}"]`).boundingBox();
  await page.mouse.move(boxA.x + boxA.width / 2, boxA.y + boxA.height - 4);
  await page.mouse.down();
  await page.mouse.move(boxB.x + boxB.width / 2, boxB.y + boxB.height - 4, { steps: 4 });
  await page.mouse.up();
  await page
    .waitForFunction((want) => document.querySelector('input[aria-label="To month"]').value === want, b, { timeout: 5000 })
    .catch(() => {});
  const from = await page.inputValue('input[aria-label="From month"]');
  const to = await page.inputValue('input[aria-label="To month"]');
  if (from !== a || to !== b) throw new Error(`dragging from ${a} to ${b} chose ${from} to ${to}`);
  const dimmed = await visibleOfType(page, 'Event');
  const starts = await page.evaluate(() =>
    Object.fromEntries(window.__explorer.cy.nodes('[type = "Event"]').map((n) => [n.id(), n.data('entity').when.start.slice(0, 7)])),
  );
  const wantFaded = all.ids.filter((id) => starts[id] > b).sort();
  seen.brushFaded = dimmed.faded;
  if (wantFaded.length === 0) throw new Error(`${CITY} has no event after ${b}`);
  if (JSON.stringify(dimmed.faded) !== JSON.stringify(wantFaded)) throw new Error('the brush does not dim the events outside its months');
  const outsideItems = await page.locator('.ex-tl-item[data-outside="true"]').count();
  if (outsideItems !== wantFaded.length) throw new Error('the timeline does not dim the events outside the brush');
  await page.screenshot({ path: path.join(outdir, 'explore-filters.png') });
  await page.click('.ex-range-clear');
  if ((await visibleOfType(page, 'Event')).faded.length !== 0) throw new Error('"all dates" does not clear the brush');

  // Known by a day: the drawn events no report had told by then are hidden.
  const known = (await api(`query ($d: Date!) { events(filter: { knownBy: $d }, first: 100) { nodes { id } } }`, { d: DAY })).events.nodes.map(
    (n) => n.id,
  );
  const wantKnown = all.ids.filter((id) => known.includes(id));
  if (wantKnown.length === all.ids.length || wantKnown.length === 0) throw new Error(`knownBy ${DAY} no longer splits ${CITY}'s events`);
  await page.fill('input[aria-label="Known by"]', DAY);
  await page.waitForFunction((n) => window.__explorer.cy.nodes('[type = "Event"]').not('.hidden').length === n, wantKnown.length, {
    timeout: STEP_TIMEOUT_MS,
  }).catch(() => {});
  const shown = await visibleOfType(page, 'Event');
  seen.knownShown = shown.ids;
  if (JSON.stringify(shown.ids) !== JSON.stringify(wantKnown)) throw new Error(`"known by ${DAY}" does not show just the events known then`);
  await page.getByRole('button', { name: 'Show all' }).click();
  // Clearing "known by" lands a render later (the set of known ids is state of its own).
  await page
    .waitForFunction((n) => window.__explorer.cy.nodes('[type = "Event"]').not('.hidden').length === n, all.ids.length, {
      timeout: STEP_TIMEOUT_MS,
    })
    .catch(() => {});
  if ((await visibleOfType(page, 'Event')).ids.length !== all.ids.length) throw new Error('"Show all" does not clear the filters');
}

/**
 * Label overlaps in the drawing: pairs of visible labels whose boxes intersect, and labels
 * lying on another node; and whether every label is inside the visible canvas.
 */
async function measureLabels(page, centre) {
  return page.evaluate((centreId) => {
    const cy = window.__explorer.cy;
    const nodes = cy.nodes().not('.hidden').toArray();
    const label = (n) => n.boundingBox({ includeNodes: false, includeLabels: true, includeOverlays: false, includeEdges: false });
    const body = (n) => n.boundingBox({ includeNodes: true, includeLabels: false, includeOverlays: false, includeEdges: false });
    const hit = (a, b) => a.w > 0 && b.w > 0 && a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
    const pairs = [];
    for (let i = 0; i < nodes.length; i += 1) {
      for (let j = i + 1; j < nodes.length; j += 1) {
        if (hit(label(nodes[i]), label(nodes[j]))) pairs.push(`${nodes[i].id()} ~ ${nodes[j].id()}`);
      }
    }
    const c = cy.getElementById(centreId);
    const covering = nodes.filter((n) => n !== c && hit(label(c), body(n))).map((n) => n.id());
    const ext = cy.extent();
    const outside = nodes
      .filter((n) => {
        const b = label(n);
        return b.x1 < ext.x1 || b.x2 > ext.x2 || b.y1 < ext.y1 || b.y2 > ext.y2;
      })
      .map((n) => n.id());
    return { nodes: nodes.length, links: cy.edges().not('.hidden').length, pairs, covering, outside };
  }, centre);
}

/**
 * The Harris hub (the densest drawing of the seed): fewer than 3 overlapping label pairs,
 * her own label on top of no other node, every label inside the canvas; zoomed out, only the
 * links of the selected node are named.
 */
async function checkHub(page) {
  const HUB = 'actor:kamala-harris';
  await openFromAddress(page, HUB);
  const m = await measureLabels(page, HUB);
  seen.hub = JSON.stringify(m);
  if (m.nodes < 20) throw new Error(`the hub draws only ${m.nodes} nodes`);
  if (m.pairs.length >= 3) throw new Error(`the hub has ${m.pairs.length} overlapping label pairs`);
  if (m.covering.length) throw new Error(`${HUB}'s label lies under ${m.covering.join(', ')}`);
  if (m.outside.length) throw new Error(`labels outside the canvas: ${m.outside.join(', ')}`);
  await page.screenshot({ path: path.join(outdir, 'explore-hub.png') });
  const named = await page.evaluate(() => {
    const cy = window.__explorer.cy;
    cy.$(':selected').unselect();
    cy.zoom({ level: 0.5, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    return cy.edges().not('.hidden').filter((e) => Number(e.style('text-opacity')) > 0).length;
  });
  if (named !== 0) throw new Error(`zoomed out, ${named} links are still named`);

  // "Fold parts": the trip's parts fold into it, and its label counts them.
  const before = await visibleOfType(page, 'Event');
  await page.getByLabel('Fold parts').check();
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'ready');
  const folded = await page.evaluate(() => {
    const cy = window.__explorer.cy;
    const wholes = cy.nodes().filter((n) => n.data('folded') > 0);
    return {
      hidden: cy.edges('[kind = "PART_OF"]').sources('.hidden').length,
      wholes: wholes.map((n) => ({ id: n.id(), folded: n.data('folded'), label: n.style('label') })),
    };
  });
  seen.folded = JSON.stringify(folded);
  const after = await visibleOfType(page, 'Event');
  const count = folded.wholes.reduce((a, w) => a + w.folded, 0);
  if (count === 0 || before.ids.length - after.ids.length !== count) throw new Error('"Fold parts" folds no part into its whole');
  if (!folded.wholes.every((w) => w.label.endsWith(`(+${w.folded} parts)`))) throw new Error('a folded whole does not count its parts');
  await page.screenshot({ path: path.join(outdir, 'explore-hub-folded.png') });
  await page.getByLabel('Fold parts').uncheck();
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'ready');
  if ((await visibleOfType(page, 'Event')).ids.length !== before.ids.length) throw new Error('unfolding does not show the parts again');
}

/**
 * Statement nodes are labelled by their own words and their date, each label its own: not by
 * their speaker's name, which every statement of one actor shares.
 */
async function checkStatementLabels(page) {
  const SPEAKER = 'actor:andres-manuel-lopez-obrador';
  await openFromAddress(page, SPEAKER);
  const labels = await page.evaluate(() =>
    window.__explorer.cy.nodes('[type = "Statement"]').map((n) => ({ short: n.data('short'), when: n.data('entity').when })),
  );
  seen.statementLabels = labels.map((l) => l.short);
  if (labels.length < 4) throw new Error(`only ${labels.length} statements of ${SPEAKER} are drawn`);
  if (new Set(seen.statementLabels).size !== labels.length) throw new Error('two statement nodes read the same');
  for (const l of labels) {
    if (/^(Andrés Manuel )?López Obrador\b/.test(l.short.replace(/^“/, ''))) {
      throw new Error(`the statement label "${l.short}" opens with its speaker`);
    }
    const day = l.when.text.split('/')[0];
    if (!l.short.endsWith(day)) throw new Error(`the statement label "${l.short}" does not end with its date ${day}`);
  }
}

/**
 * At 390x844 (a phone) the page is no wider than the screen, and reads top to bottom: the
 * search, then the drawing, then the panel as a sheet at the bottom, all on screen.
 */
async function checkPhone(page) {
  await page.setViewportSize({ width: 390, height: 844 });
  await openFromAddress(page, 'place:mexico-city');
  await page.waitForTimeout(300);
  const box = await page.evaluate(() => {
    const rect = (sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    return {
      scrollWidth: document.documentElement.scrollWidth,
      width: document.documentElement.clientWidth,
      search: rect('#ex-search-input'),
      canvas: rect('.ex-canvas'),
      panel: rect('.ex-panel'),
      title: rect('#ex-details-title'),
    };
  });
  seen.phone = JSON.stringify(box);
  if (box.scrollWidth > box.width) throw new Error(`at 390 px the page is ${box.scrollWidth} px wide`);
  if (!(box.search.bottom <= box.canvas.top && box.canvas.bottom <= box.panel.top)) {
    throw new Error('at 390 px the page does not read search, drawing, panel from top to bottom');
  }
  if (box.canvas.bottom - box.canvas.top < 200) throw new Error('at 390 px the drawing is less than 200 px high');
  for (const part of ['search', 'canvas', 'panel']) {
    if (box[part].left < 0 || box[part].right > box.width) throw new Error(`at 390 px the ${part} is wider than the screen`);
  }
  if (box.panel.top >= 844 || box.title.top >= 844) throw new Error('at 390 px the panel is off screen');
  await page.screenshot({ path: path.join(outdir, 'explore-phone.png') });
  // The handle grows the sheet.
  await page.getByRole('button', { name: 'Show more of the details' }).click();
  const taller = await page.evaluate(() => document.querySelector('.ex-panel').getBoundingClientRect().height);
  if (taller <= box.panel.bottom - box.panel.top) throw new Error('the sheet handle does not grow the panel');
  await page.setViewportSize({ width: 1366, height: 768 });
}

/**
 * "How is Giammattei connected to López Obrador?": "Connect to…" in the panel finds the API's
 * path, draws every entity and link of it highlighted, and lists each link with its kind and
 * its sources. Then Shift+Enter in the search adds a third person without redrawing.
 */
async function checkPath(page) {
  const TO = 'actor:andres-manuel-lopez-obrador';
  const HARRIS = 'actor:kamala-harris';
  const want = (
    await api(`query ($from: ID!, $to: ID!) { path(from: $from, to: $to) { hops steps { node { id } link forward } } }`, {
      from: ACTOR,
      to: TO,
    })
  ).path;
  if (!want || want.hops < 2) throw new Error(`the seed has no chain of 2 links or more from ${ACTOR} to ${TO}`);
  await openFromAddress(page, ACTOR);
  await page.getByRole('button', { name: 'Connect to…' }).click();
  await page.locator('#ex-connect-input').fill('López Obrador');
  await pickOption(page, 'ex-connect', TO);
  await page.keyboard.press('Enter');
  try {
    await page.waitForSelector('.ex-path[data-status="ready"]', { timeout: STEP_TIMEOUT_MS });
  } catch {
    throw new Error('"Connect to…" shows no chain');
  }
  await waitForNodes(page, want.steps.map((s) => s.node.id));
  const edges = [];
  for (let i = 0; i + 1 < want.steps.length; i += 1) {
    const [a, b] = [want.steps[i].node.id, want.steps[i + 1].node.id];
    const kind = want.steps[i].link;
    edges.push(want.steps[i].forward ? `${a}|${kind}|${b}` : `${b}|${kind}|${a}`);
  }
  const drawn = await page.evaluate(
    (ids) => ids.map((id) => window.__explorer.cy.getElementById(id)).map((e) => e.nonempty() && e.hasClass('path') && e.visible()),
    edges,
  );
  seen.pathEdges = edges.map((e, i) => `${e} ${drawn[i]}`);
  if (drawn.some((d) => !d)) throw new Error('the chain is not drawn highlighted link by link');
  const rows = await page
    .locator('.ex-path-list > li')
    .evaluateAll((els) => els.map((e) => ({ link: e.dataset.link, kind: e.dataset.kind, sources: e.querySelectorAll('.ex-source').length })));
  seen.pathRows = JSON.stringify(rows);
  if (JSON.stringify(rows.map((r) => r.link)) !== JSON.stringify(edges)) throw new Error('the panel does not list the chain link by link');
  if (rows.some((r) => r.sources === 0)) throw new Error('a link of the chain is listed without its sources');
  await page.screenshot({ path: path.join(outdir, 'explore-path.png') });

  // Shift+Enter in the search adds Harris to the drawing: the chain stays.
  await page.locator('#ex-search-input').fill('Kamala Harris');
  await pickOption(page, 'ex-search', HARRIS);
  await page.keyboard.press('Shift+Enter');
  await waitForPanel(page, HARRIS);
  await waitForNodes(page, [HARRIS, ACTOR, TO, ...want.steps.map((s) => s.node.id)]);
}

/** What the drawing shows: visible node ids, the chain's links, the selection, kinds switched off. */
async function viewOf(page) {
  return page.evaluate(() => {
    const cy = window.__explorer.cy;
    return {
      nodes: cy.nodes().not('.hidden').map((n) => n.id()).sort(),
      chain: cy.edges('.path').map((e) => e.id()).sort(),
      selected: cy.$('node:selected').map((n) => n.id()),
      off: [...document.querySelectorAll('.ex-legend button[aria-pressed="false"]')].map((b) => b.dataset.kind).sort(),
    };
  });
}

/** Waits until nothing loads and `test(view)` holds (a step undone or redone). */
async function waitForView(page, what, test) {
  const start = Date.now();
  let v = null;
  while (Date.now() - start < STEP_TIMEOUT_MS) {
    await page.waitForTimeout(150);
    const ready = await page.evaluate(() => document.documentElement.dataset.explorer === 'ready');
    if (!ready) continue;
    v = await viewOf(page);
    if (test(v)) return v;
  }
  seen[what] = JSON.stringify(v);
  throw new Error(what);
}

/**
 * The address holds the view: after drawing Giammattei, expanding the meeting (a click),
 * connecting to López Obrador and switching statements off, the Undo button undoes the
 * last step, Back the one before, Forward redoes both, and the address opened afresh draws
 * the same nodes, chain, selection and kinds.
 */
async function checkAddress(page) {
  const TO = 'actor:andres-manuel-lopez-obrador';
  await openFromAddress(page, ACTOR);
  await clickNode(page, MEETING);
  await waitForNodes(page, [MEETING, ...expected.participants.map((p) => p.actor.id)]);
  await page.waitForFunction((id) => window.location.hash.includes(`expand=${id}`), MEETING, { timeout: STEP_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Connect to…' }).click();
  await page.locator('#ex-connect-input').fill('López Obrador');
  await pickOption(page, 'ex-connect', TO);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.ex-path[data-status="ready"]', { timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(() => window.location.hash.includes('path='), null, { timeout: STEP_TIMEOUT_MS });
  await page.click('.ex-legend button[data-kind="Statement"]');
  await page.waitForFunction(() => window.location.hash.includes('kinds=Statement'), null, { timeout: STEP_TIMEOUT_MS });
  const full = await viewOf(page);
  const address = page.url();
  seen.address = address;
  if (full.chain.length === 0 || !full.off.includes('Statement')) throw new Error('the view to share has no chain or no kind off');

  await page.getByRole('button', { name: 'Undo' }).click();
  await waitForView(page, 'Undo does not show the statements again', (v) => !v.off.includes('Statement') && v.chain.length > 0);
  await page.goBack();
  await waitForView(page, 'Back does not undo the chain', (v) => v.chain.length === 0 && v.nodes.includes(MEETING));
  if (page.url().includes('path=')) throw new Error('the address still holds the chain after Back');
  await page.goForward();
  await waitForView(page, 'Forward does not redraw the chain', (v) => v.chain.length === full.chain.length);
  await page.goForward();
  await waitForView(page, 'Forward does not switch the statements off again', (v) => v.off.includes('Statement'));

  await page.goto('about:blank');
  await page.goto(address, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__explorer && window.__explorer.cy, null, { timeout: STEP_TIMEOUT_MS });
  const again = await waitForView(page, 'the address does not draw the same view', (v) => JSON.stringify(v) === JSON.stringify(full));
  seen.restored = JSON.stringify(again);
}

/** Clicks the export menu's `name` button and returns the downloaded file's bytes and name. */
async function exported(page, name) {
  const menu = page.locator('.ex-menu');
  if (!(await menu.evaluate((d) => d.open))) await page.click('.ex-menu summary');
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: STEP_TIMEOUT_MS }),
    page.locator('.ex-menu-items').getByRole('button', { name, exact: true }).click(),
  ]);
  const where = await file.path();
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(where) };
}

/**
 * Export of Giammattei's drawing, his meeting expanded: a PNG (read back: its header and
 * size), GraphML and JSON holding exactly the visible nodes and links (parsed), the timeline
 * as CSV (one row per event listed), and "Copy as GraphQL" giving a query whose answer, run
 * against the API, holds every node drawn; then the same query of Mexico City's drawing,
 * which holds the events at the venues inside the city.
 */
async function checkExport(page) {
  await openFromAddress(page, ACTOR);
  await clickNode(page, MEETING);
  await page.waitForFunction((id) => window.location.hash.includes(`expand=${id}`), MEETING, { timeout: STEP_TIMEOUT_MS });
  const drawn = await page.evaluate(() => {
    const cy = window.__explorer.cy;
    return {
      nodes: cy.nodes().not('.hidden').map((n) => n.id()).sort(),
      links: cy.edges().not('.hidden').map((e) => `${e.data('source')}|${e.data('kind')}|${e.data('target')}`).sort(),
    };
  });

  const png = await exported(page, 'PNG image');
  const signature = png.bytes.subarray(0, 8).toString('hex');
  if (signature !== '89504e470d0a1a0a') throw new Error(`the PNG export is not a PNG (${signature})`);
  const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
  seen.png = `${png.name} ${w}x${h} ${png.bytes.length} bytes`;
  if (w < 200 || h < 100) throw new Error(`the PNG export is ${w}x${h}`);

  const graphml = await exported(page, 'GraphML');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.querySelector('parsererror')) return null;
    const kind = (e) => [...e.getElementsByTagName('data')].find((d) => d.getAttribute('key') === 'kind').textContent;
    return {
      nodes: [...doc.getElementsByTagName('node')].map((n) => n.getAttribute('id')).sort(),
      links: [...doc.getElementsByTagName('edge')].map((e) => `${e.getAttribute('source')}|${kind(e)}|${e.getAttribute('target')}`).sort(),
    };
  }, graphml.bytes.toString('utf8'));
  seen.graphml = JSON.stringify(parsed);
  if (!parsed) throw new Error('the GraphML export is not well-formed XML');
  if (JSON.stringify(parsed) !== JSON.stringify(drawn)) throw new Error('the GraphML export does not hold exactly what is drawn');

  const json = JSON.parse((await exported(page, 'JSON')).bytes.toString('utf8'));
  if (json.nodes.length !== drawn.nodes.length || json.links.length !== drawn.links.length) {
    throw new Error('the JSON export does not hold what is drawn');
  }
  const csvText = (await exported(page, 'Timeline CSV')).bytes.toString('utf8');
  const rows = csvText.trim().split(/\r\n/);
  const listed = await page.locator('.ex-timeline .ex-tl-item').count();
  if (rows[0] !== 'id,title,kind,start,end,precision,when' || rows.length !== listed + 1) {
    throw new Error(`the timeline CSV has ${rows.length - 1} rows for ${listed} events listed`);
  }

  await checkDrawingQuery(page, drawn.nodes);
  // A place's drawing holds the events at the places inside it (venues in a city): its query too.
  await openFromAddress(page, 'place:mexico-city');
  await page.waitForFunction(() => document.documentElement.dataset.explorer === 'ready', null, { timeout: STEP_TIMEOUT_MS });
  const cityDrawn = await page.evaluate(() => window.__explorer.cy.nodes().not('.hidden').map((n) => n.id()).sort());
  await checkDrawingQuery(page, cityDrawn);
}

/** "Copy as GraphQL" in the export menu gives a query whose answer holds every id of `nodes`. */
async function checkDrawingQuery(page, nodes) {
  if (!(await page.locator('.ex-menu').evaluate((d) => d.open))) await page.click('.ex-menu summary');
  await page.locator('.ex-menu-items').getByRole('button', { name: 'Copy as GraphQL' }).click();
  const query = await page.locator('#ex-drawing-query pre').first().innerText();
  seen.drawingQuery = query;
  const answer = await api(query, {});
  const ids = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof v.id === 'string') ids.add(v.id);
      Object.values(v).forEach(walk);
    }
  };
  walk(answer);
  const missing = nodes.filter((id) => !ids.has(id));
  if (missing.length) throw new Error(`the drawing's GraphQL does not ask for ${missing.join(', ')}`);
}

/** The id of the selected node. */
async function selectedNode(page) {
  return page.evaluate(() => window.__explorer.cy.$('node:selected').map((n) => n.id())[0] || null);
}

/**
 * The drawing by keyboard: Tab reaches it (labelled, with a visible focus ring); an arrow
 * moves to a neighbour (opened in the panel and read out); Enter expands it, F redraws around
 * it, Delete hides it; each step lands in the address.
 */
async function checkKeyboard(page) {
  await openFromAddress(page, ACTOR);
  await page.focus('.ex-legend button[data-kind="Source"]');
  await page.keyboard.press('Tab');
  const canvas = await page.evaluate(() => {
    const el = document.activeElement;
    return {
      testid: el && el.dataset.testid,
      label: el && el.getAttribute('aria-label'),
      outline: el && getComputedStyle(el).outlineStyle,
      width: el && getComputedStyle(el).outlineWidth,
    };
  });
  seen.canvasFocus = JSON.stringify(canvas);
  if (canvas.testid !== 'graph') throw new Error('Tab does not reach the drawing');
  if (!canvas.label || !/Arrow keys/.test(canvas.label)) throw new Error('the drawing has no label that tells its keys');
  if (canvas.outline !== 'solid' || parseFloat(canvas.width) < 2) throw new Error('the focused drawing shows no focus ring');

  if ((await selectedNode(page)) !== ACTOR) throw new Error(`${ACTOR} is not selected after drawing it`);
  const neighbours = await page.evaluate(
    (id) => window.__explorer.cy.getElementById(id).neighborhood('node').not('.hidden').map((n) => n.id()),
    ACTOR,
  );
  await page.keyboard.press('ArrowRight');
  let at = await selectedNode(page);
  if (!neighbours.includes(at)) {
    await page.keyboard.press('ArrowLeft');
    at = await selectedNode(page);
  }
  seen.keyboardAt = at;
  if (!neighbours.includes(at)) throw new Error('the arrow keys do not move to a neighbour');
  await waitForPanel(page, at);
  const spoken = await page.locator('[data-testid="spoken"]').innerText();
  const label = await page.evaluate((id) => window.__explorer.cy.getElementById(id).data('label'), at);
  if (!spoken.startsWith(label)) throw new Error(`moving to ${at} reads "${spoken}"`);
  await page.screenshot({ path: path.join(outdir, 'explore-keyboard.png') });

  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => window.location.hash.includes(`expand=${id}`), at, { timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('f');
  await page.waitForFunction((id) => window.location.hash.startsWith(`#focus=${id}`), at, { timeout: STEP_TIMEOUT_MS });
  await waitForNodes(page, [at]);
  if (!(await page.evaluate((id) => window.__explorer.cy.getElementById(id).hasClass('centre'), at))) {
    throw new Error('F does not redraw around the node');
  }
  await page.keyboard.press('ArrowDown');
  const gone = await selectedNode(page);
  if (!gone || gone === at) throw new Error('the arrow keys do not leave the new centre');
  await page.keyboard.press('Delete');
  await page.waitForFunction((id) => window.location.hash.includes(`hide=${id}`), gone, { timeout: STEP_TIMEOUT_MS });
  if (await page.evaluate((id) => window.__explorer.cy.getElementById(id).nonempty(), gone)) throw new Error('Delete does not hide the node');
  if ((await page.evaluate(() => document.activeElement.dataset.testid)) !== 'graph') throw new Error('the drawing loses the focus');
}

/**
 * The map view of the Harris hub, offline: a marker for each place of a drawn event (and each
 * drawn place) that has coordinates, the events drawn at each counted on it as the API places
 * them; the address keeps the map; a marker opens its place.
 */
async function checkMap(page) {
  const HUB = 'actor:kamala-harris';
  await openFromAddress(page, HUB);
  const ids = await page.evaluate(() =>
    window.__explorer.cy
      .nodes('[type = "Event"], [type = "Place"]')
      .not('.hidden')
      .map((n) => n.id()),
  );
  const answer = await api(
    `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id
      ... on Place { latitude longitude }
      ... on Event { place { id latitude longitude } } } }`,
    { ids },
  );
  const places = new Set();
  let located = 0;
  for (const n of answer.nodes) {
    if (n.__typename === 'Place' && n.latitude !== null) places.add(n.id);
    if (n.__typename === 'Event' && n.place && n.place.latitude !== null) {
      places.add(n.place.id);
      located += 1;
    }
  }
  if (located < 5) throw new Error(`only ${located} events of ${HUB} have a place with coordinates`);
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await page.waitForSelector('.ex-map-layer[data-status="ready"] .ex-map-marker', { timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(() => window.location.hash.includes('map=1'), null, { timeout: STEP_TIMEOUT_MS });
  const markers = await page.locator('.ex-map-marker').evaluateAll((els) =>
    els.map((e) => ({ places: e.dataset.places.split(' '), events: Number(e.dataset.events) })),
  );
  seen.mapMarkers = JSON.stringify(markers);
  const onMap = markers.flatMap((m) => m.places).sort();
  if (JSON.stringify(onMap) !== JSON.stringify([...places].sort())) throw new Error('the map does not show the places of what is drawn');
  const counted = markers.reduce((a, m) => a + m.events, 0);
  if (counted !== located) throw new Error(`the map counts ${counted} events at their places, the API places ${located}`);
  if ((await page.locator('.ex-map-land').getAttribute('d')).length < 1000) throw new Error('the map draws no country outlines');
  await page.screenshot({ path: path.join(outdir, 'explore-map.png') });
  const busiest = markers.reduce((a, m) => (m.events > a.events ? m : a));
  await page.click(`.ex-map-marker[data-places="${busiest.places.join(' ')}"] circle`);
  await waitForPanel(page, busiest.places[0]);
}

/** Walks the results of the search box `prefix` with the arrow keys to `id`. */
async function pickOption(page, prefix, id) {
  await page.waitForSelector(`#${prefix}-results [role="option"][data-id="${id}"]`, { state: 'visible', timeout: STEP_TIMEOUT_MS });
  for (let i = 0; i <= 12; i += 1) {
    if ((await activeOption(page, prefix)) === id) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`the arrow keys never reach ${id} in the results of ${prefix}`);
}

/** The id of the search result the keyboard is on (aria-activedescendant), or null. */
async function activeOption(page, prefix = 'ex-search') {
  return page.evaluate((p) => {
    const input = document.getElementById(`${p}-input`);
    const active = input && input.getAttribute('aria-activedescendant');
    const el = active && document.getElementById(active);
    return el ? el.dataset.id : null;
  }, prefix);
}

/** The ids of the nodes drawn (cytoscape's own list). */
async function drawnIds(page) {
  return page.evaluate(() => window.__explorer.cy.nodes().map((n) => n.id()));
}

/** Waits until the drawing holds every id in `ids` and nothing is loading. */
async function waitForNodes(page, ids) {
  try {
    await page.waitForFunction(
      (want) => {
        if (document.documentElement.dataset.explorer !== 'ready') return false;
        const cy = window.__explorer.cy;
        return want.every((id) => cy.getElementById(id).nonempty());
      },
      ids,
      { timeout: STEP_TIMEOUT_MS },
    );
  } catch {
    throw new Error(`the drawing does not hold ${ids.join(', ')}`);
  }
}

/** Waits until the panel shows the entity `id`, loaded. */
async function waitForPanel(page, id) {
  try {
    await page.waitForSelector(`.ex-details[data-id="${id}"][aria-busy="false"] #ex-details-title`, {
      timeout: STEP_TIMEOUT_MS,
    });
  } catch {
    throw new Error(`the panel does not show ${id}`);
  }
}

/** Clicks the node `id` where it is drawn on the page, as a person would. */
async function clickNode(page, id) {
  const at = await page.evaluate((nodeId) => {
    const cy = window.__explorer.cy;
    const node = cy.getElementById(nodeId);
    const box = cy.container().getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y, inside: p.x > 0 && p.y > 0 && p.x < box.width && p.y < box.height };
  }, id);
  if (!at.inside) throw new Error(`${id} is drawn outside the visible drawing`);
  await page.mouse.click(at.x, at.y);
}

/** The full text of the CodeMirror 5 editor under `selector` ('' if there is none). */
async function editorText(page, selector) {
  return page.evaluate((sel) => {
    const cm = document.querySelector(sel);
    return cm && cm.CodeMirror ? cm.CodeMirror.getValue() : '';
  }, selector);
}
