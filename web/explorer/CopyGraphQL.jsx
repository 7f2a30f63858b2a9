// "Copy as GraphQL": the query the panel used, copied to the clipboard and shown with its
// variables and a link that opens it in the playground. The button sits in the panel's
// toolbar, the query below it; the panel owns whether it is open.
import { playgroundUrl } from './api.js';

/** The id of the region that shows the query. */
export const QUERY_REGION_ID = 'ex-panel-query';

/** The query as it is copied: the text of the query, then its variables as a comment. */
function asText(query, variables) {
  return `${query}\n\n# variables: ${JSON.stringify(variables)}\n`;
}

/**
 * The button: opens the query and copies it, or closes it. `onCopied(message)` reports
 * whether the browser let the page write to the clipboard.
 */
export function CopyGraphQLButton({ query, variables, open, setOpen, onCopied }) {
  const copy = async () => {
    setOpen(true);
    try {
      await navigator.clipboard.writeText(asText(query, variables));
      onCopied('Copied to the clipboard.');
    } catch {
      onCopied('The browser did not allow copying: select the text below.');
    }
  };
  return (
    <button
      type="button"
      className="ex-button"
      aria-expanded={open}
      aria-controls={QUERY_REGION_ID}
      disabled={!query}
      onClick={() => (open ? setOpen(false) : copy())}
    >
      Copy as GraphQL
    </button>
  );
}

/** The query, its variables, and the link that opens both in the playground. */
export function GraphQLQuery({ query, variables, status, onClose, id = QUERY_REGION_ID, label = "The panel's GraphQL query" }) {
  return (
    <div id={id} className="ex-graphql" role="region" aria-label={label}>
      <p className="ex-graphql-head">
        <span aria-live="polite">{status}</span>
        <a className="ex-button" href={playgroundUrl(query, variables)} target="_blank" rel="noopener">
          Open in playground
        </a>
        <button type="button" className="ex-button" onClick={onClose}>
          Close
        </button>
      </p>
      <pre className="ex-code" tabIndex={0} aria-label="Query">
        {query}
      </pre>
      <pre className="ex-code ex-code-vars" tabIndex={0} aria-label="Variables">
        {JSON.stringify(variables, null, 2)}
      </pre>
    </div>
  );
}
