// The playground's header: its name, the Examples menu, the Share button and the link to
// the graph explorer. Rendered inside GraphiQL's provider, so that Share reads the editors.
import { useEffect, useRef, useState } from 'react';
import { useEditorContext } from '@graphiql/react';
import { EXAMPLES, linkedQuery, playgroundHref } from './examples.js';

/** The header above GraphiQL. */
export function Header() {
  return (
    <header className="dg-header">
      <span className="dg-title">Diplograph</span>
      <span className="dg-subtitle">GraphQL playground</span>
      <ExamplesMenu />
      <ShareButton />
      <nav className="dg-nav">
        <a href="/explore">Graph explorer</a>
      </nav>
    </header>
  );
}

/**
 * A menu of the examples. Each opens its query and variables in a tab of its own, or
 * switches to the tab that already holds them unchanged, so that choosing one again never
 * duplicates a tab; without a reload of the page. Each is also a link to the address that
 * opens it (`/?query=&variables=`), for a new browser tab or a bookmark. The menu closes on
 * Escape and on a click elsewhere.
 */
function ExamplesMenu() {
  const editors = useEditorContext({ nonNull: true });
  const menu = useRef(null);
  useEffect(() => {
    const close = (event) => {
      const details = menu.current;
      if (!details || !details.open) return;
      if (event.type === 'keydown' ? event.key === 'Escape' : !details.contains(event.target)) {
        details.open = false;
      }
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close);
    };
  }, []);

  const choose = (event, example) => {
    // A middle click or a modified one opens the link in a new browser tab, as links do.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (menu.current) menu.current.open = false;
    openInTab(editors, example.query, example.variables);
  };

  return (
    <details className="dg-examples" ref={menu}>
      <summary>Examples</summary>
      <ul>
        {EXAMPLES.map((ex) => (
          <li key={ex.name}>
            <a href={playgroundHref(ex.query, ex.variables)} data-example={ex.name} onClick={(e) => choose(e, ex)}>
              {ex.name}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * Shows `query` and `variables` in GraphiQL: switches to the tab that holds them, or adds a
 * tab and fills its editors (GraphiQL then names the tab after the operation).
 */
function openInTab(editors, query, variables) {
  const { tabs, changeTab, addTab } = editors;
  const same = (tab) => tab.query === query && (tab.variables || '').trim() === variables.trim();
  const index = tabs.findIndex(same);
  if (index >= 0) {
    changeTab(index);
    return;
  }
  addTab();
  // addTab fills the editors of the new tab once React has applied it; ours come after.
  setTimeout(() => {
    if (editors.queryEditor) editors.queryEditor.setValue(query);
    if (editors.variableEditor) editors.variableEditor.setValue(variables);
  }, 0);
}

/** How long the Share button's message stays, in milliseconds. */
const SAID_MS = 4000;

/**
 * Puts the query and variables of the open tab in the address (`/?query=&variables=`) and
 * copies that address where the browser allows it. The address keeps them until the tab's
 * text changes or another tab is opened: then it goes back to the bare page, so that it
 * never names a query other than the one shown.
 */
function ShareButton() {
  const { queryEditor, variableEditor } = useEditorContext({ nonNull: true });
  const [said, setSaid] = useState('');

  useEffect(() => {
    if (!said) return undefined;
    const timer = setTimeout(() => setSaid(''), SAID_MS);
    return () => clearTimeout(timer);
  }, [said]);

  useEffect(() => {
    if (!queryEditor) return undefined;
    const follow = () => {
      const linked = linkedQuery();
      if (!linked) return;
      const variables = variableEditor ? variableEditor.getValue() : '';
      if (linked.query !== queryEditor.getValue() || linked.variables.trim() !== variables.trim()) {
        window.history.replaceState(window.history.state, '', window.location.pathname + window.location.hash);
      }
    };
    queryEditor.on('change', follow);
    if (variableEditor) variableEditor.on('change', follow);
    return () => {
      queryEditor.off('change', follow);
      if (variableEditor) variableEditor.off('change', follow);
    };
  }, [queryEditor, variableEditor]);

  const share = async () => {
    if (!queryEditor) return;
    const href = playgroundHref(queryEditor.getValue(), variableEditor ? variableEditor.getValue() : '');
    window.history.replaceState(window.history.state, '', href);
    try {
      await navigator.clipboard.writeText(window.location.href);
      setSaid('Link copied');
    } catch {
      setSaid('Link in the address bar');
    }
  };

  return (
    <span className="dg-share">
      <button type="button" onClick={share} title="Put this query and its variables in the address, to share or bookmark">
        Share
      </button>
      <span className="dg-said" role="status" aria-live="polite">
        {said}
      </span>
    </span>
  );
}
