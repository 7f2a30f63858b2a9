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

/**
 * Whether GraphiQL has no saved tabs in this browser yet.
 *
 * GraphiQL 3 fills the query editor from `defaultTabs` on a first visit but leaves the
 * variables editor empty, so the page hands it the variables itself, then only.
 */
function isFirstVisit() {
  try {
    return window.localStorage.getItem('graphiql:tabState') === null;
  } catch {
    return true; // storage blocked: nothing is restored either
  }
}

/** Whether this page load is the browser's first (read before GraphiQL saves its tabs). */
const FIRST_VISIT = isFirstVisit();

/**
 * A query handed over in the address (`/?query=...&variables=...`), as the graph explorer's
 * "Open in playground" link does, or null. It opens in a tab of its own (or the tab that
 * already holds it), next to the tabs saved in this browser.
 */
function linkedQuery() {
  const params = new URLSearchParams(window.location.search);
  const query = params.get('query');
  if (!query || !query.trim()) return null;
  return { query, variables: params.get('variables') || undefined };
}

/** The query in the address, if any. */
const LINKED = linkedQuery();

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
          defaultTabs={[LINKED || { query: MISSION_QUERY, variables: MISSION_VARIABLES }]}
          query={LINKED ? LINKED.query : undefined}
          variables={LINKED ? LINKED.variables : FIRST_VISIT ? MISSION_VARIABLES : undefined}
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
