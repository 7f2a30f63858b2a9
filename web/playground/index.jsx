// The Diplograph playground: GraphiQL against this server's own /graphql endpoint, with the
// checkbox query builder (@graphiql/plugin-explorer), an Examples menu and a Share button.
//
// Everything the page needs is bundled by build.mjs and served by the binary itself:
// no CDN, no web fonts, no request to any other host.
import { createRoot } from 'react-dom/client';
import { GraphiQL, GraphiQLInterface, GraphiQLProvider } from 'graphiql';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import 'graphiql/graphiql.css';
import '@graphiql/plugin-explorer/dist/style.css';
import './playground.css';
import { MISSION, linkedQuery } from './examples.js';
import { Header } from './header.jsx';

/** The GraphQL endpoint, on the same origin as this page. */
const ENDPOINT = '/graphql';

/**
 * Sends one GraphQL request to the endpoint and returns the decoded answer.
 *
 * GraphiQL shows a thrown error in the result pane, so a response that is not JSON
 * becomes an error that quotes the status and the start of the body.
 */
async function fetcher(params, opts) {
  const early = await earlySchema(params, opts);
  if (early) return early;
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
 * The answer to the introspection that index.html sent as the page started (see
 * earlySchemaScript in web/build.mjs), once, when GraphiQL asks the same query without
 * headers of its own; else null, and the fetcher asks the server.
 */
async function earlySchema(params, opts) {
  const early = window.dgEarlySchema;
  if (!early || params.query !== early.query || (opts && opts.headers && Object.keys(opts.headers).length)) return null;
  window.dgEarlySchema = null;
  const text = await early.text;
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
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

/** Read before GraphiQL saves anything: whether this browser has been here before. */
const SAVED_TAB = savedActiveTab();

/**
 * The tab the page opens on: the query in the address, else the tab this browser had open,
 * else (a first visit) the mission query with its variables.
 *
 * GraphiQL 3 decides between its saved tabs by comparing each with the query and variables
 * it is handed (or, when handed none, with the last editor contents it saved apart from the
 * tabs, which need not be the active tab's). Handing it the saved active tab itself makes it
 * pick that tab again, so a reload keeps one tab and the user's own edits.
 */
const OPENING = linkedQuery() || SAVED_TAB || { query: MISSION.query, variables: MISSION.variables };

/**
 * graphiql-explorer 0.9 (inside @graphiql/plugin-explorer) has no input for a list of enum
 * values such as `kinds: [MEETING]`: it shows the argument ticked, without a value, and
 * logs "arg mismatch between arg and selection" as a console error each time it draws one.
 * That known limitation is not an error of this page, so that one message is dropped.
 */
const consoleError = console.error.bind(console);
console.error = (...args) => {
  if (args[0] === 'arg mismatch between arg and selection') return;
  consoleError(...args);
};

/** The checkbox query builder, in GraphiQL's sidebar. */
const EXPLORER = explorerPlugin();

/** Where GraphiQL 3 looks for the plugin to show at start (the title of one, or ''). */
const VISIBLE_PLUGIN_KEY = 'graphiql:visiblePlugin';

/** Saves which plugin is open (GraphiQL 3 reads it back at start but never writes it). */
function rememberVisiblePlugin(plugin) {
  try {
    window.localStorage.setItem(VISIBLE_PLUGIN_KEY, plugin ? plugin.title : '');
  } catch {
    // Storage blocked: the plugin is simply not remembered.
  }
}

// The query builder is open on a newcomer's first visit when the window is wide enough to
// show it beside the editors and the result; after that, whatever the user last chose.
if (!SAVED_TAB && window.matchMedia('(min-width: 1200px)').matches) rememberVisiblePlugin(EXPLORER);

/** The page: a slim header, and GraphiQL filling the rest; both share GraphiQL's state. */
function Playground() {
  return (
    <GraphiQLProvider
      fetcher={fetcher}
      defaultQuery={MISSION.query}
      defaultTabs={[OPENING]}
      query={OPENING.query}
      variables={OPENING.variables}
      plugins={[EXPLORER]}
      onTogglePluginVisibility={rememberVisiblePlugin}
      shouldPersistHeaders={false}
    >
      <div className="dg-page">
        <Header />
        <main className="dg-main">
          <GraphiQLInterface defaultEditorToolsVisibility="variables" showPersistHeadersSettings={false}>
            <GraphiQL.Logo>Diplograph</GraphiQL.Logo>
          </GraphiQLInterface>
        </main>
      </div>
    </GraphiQLProvider>
  );
}

createRoot(document.getElementById('playground')).render(<Playground />);
