// The Diplograph playground: GraphiQL against this server's own /graphql endpoint.
//
// Everything the page needs is bundled by build.mjs and served by the binary itself:
// no CDN, no web fonts, no request to any other host.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './playground.css';

/** The GraphQL endpoint, on the same origin as this page. */
const ENDPOINT = '/graphql';

/** The query a first-time visitor sees: every meeting of one actor, with its outcomes
 * (the shared client query, `queries/meetings-with-agreements.graphql`). */
import MISSION_QUERY from '../../queries/meetings-with-agreements.graphql';

/** The variables of the mission query. */
const MISSION_VARIABLES = JSON.stringify({ name: 'Lopez Obrador' }, null, 2);

/** A dashboard in one request: meetings per month, who meets most, in which countries
 * (the shared client query, `queries/dashboard.graphql`). */
import DASHBOARD_QUERY from '../../queries/dashboard.graphql';

/** The variables of the dashboard query (its defaults, written out to be edited). */
const DASHBOARD_VARIABLES = JSON.stringify({ kinds: ['MEETING'] }, null, 2);

/**
 * The examples the header offers. Each is a link that hands its query to the page like the
 * explorer's links do: it opens in a tab of its own, or in the tab that already holds it
 * unchanged, so choosing one again or reloading never duplicates a tab.
 */
const EXAMPLES = [
  { name: 'Meetings and agreements', query: MISSION_QUERY, variables: MISSION_VARIABLES },
  { name: 'Dashboard', query: DASHBOARD_QUERY, variables: DASHBOARD_VARIABLES },
];

/** The address that opens `example` in the playground. */
function exampleHref(example) {
  return `/?${new URLSearchParams({ query: example.query, variables: example.variables }).toString()}`;
}

/**
 * Sends one GraphQL request to the endpoint and returns the decoded answer.
 *
 * GraphiQL shows a thrown error in the result pane, so a response that is not JSON
 * becomes an error that quotes the status and the start of the body.
 */
async function fetcher(params, opts) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: {
      Accept: 'application/graphql-response+json, application/json',
      'Content-Type': 'application/json',
      ...(opts && opts.headers),
    },
    body: JSON.stringify(params),
    credentials: 'same-origin',
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}`);
  }
}

/** Where GraphiQL 3 keeps its tabs in this browser (its storage namespace plus its key). */
const TAB_STATE_KEY = 'graphiql:tabState';

/**
 * The tab GraphiQL saved as the active one in this browser, as `{ query, variables }`, or
 * null on a first visit (or when storage is blocked or holds something else).
 */
function savedActiveTab() {
  try {
    const state = JSON.parse(window.localStorage.getItem(TAB_STATE_KEY));
    const tab = state && Array.isArray(state.tabs) ? state.tabs[state.activeTabIndex] : null;
    if (!tab || typeof tab.query !== 'string') return null;
    return { query: tab.query, variables: tab.variables || '' };
  } catch {
    return null;
  }
}

/**
 * A query handed over in the address (`/?query=...&variables=...`), as the Share button, the
 * examples and the graph explorer's "Open in playground" link write it, or null. It opens in
 * a tab of its own (or the tab that already holds it), next to the tabs saved in this browser.
 */
function linkedQuery() {
  const params = new URLSearchParams(window.location.search);
  const query = params.get('query');
  if (!query || !query.trim()) return null;
  return { query, variables: params.get('variables') || '' };
}

/**
 * The tab the page opens on: the query in the address, else the tab this browser had open,
 * else (a first visit) the mission query with its variables.
 *
 * GraphiQL 3 decides between its saved tabs by comparing each with the query and variables
 * it is handed (or, when handed none, with the last editor contents it saved apart from the
 * tabs, which need not be the active tab's). Handing it the saved active tab itself makes it
 * pick that tab again, so a reload keeps one tab and the user's own edits.
 */
const OPENING = linkedQuery() || savedActiveTab() || { query: MISSION_QUERY, variables: MISSION_VARIABLES };

/** The page: a slim header with links, and GraphiQL filling the rest. */
function Playground() {
  return (
    <div className="dg-page">
      <header className="dg-header">
        <span className="dg-title">Diplograph</span>
        <span className="dg-subtitle">GraphQL playground</span>
        <nav className="dg-examples" aria-label="Examples">
          <span className="dg-examples-label">Examples:</span>
          {EXAMPLES.map((ex) => (
            <a key={ex.name} href={exampleHref(ex)} data-example={ex.name}>
              {ex.name}
            </a>
          ))}
        </nav>
        <nav className="dg-nav">
          <a href="/explore">Graph explorer</a>
        </nav>
      </header>
      <main className="dg-main">
        <GraphiQL
          fetcher={fetcher}
          defaultQuery={MISSION_QUERY}
          defaultTabs={[OPENING]}
          query={OPENING.query}
          variables={OPENING.variables}
          defaultEditorToolsVisibility="variables"
          shouldPersistHeaders={false}
        >
          <GraphiQL.Logo>Diplograph</GraphiQL.Logo>
        </GraphiQL>
      </main>
    </div>
  );
}

createRoot(document.getElementById('playground')).render(<Playground />);
