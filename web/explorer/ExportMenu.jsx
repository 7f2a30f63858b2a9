// The export menu: the drawing as PNG, JSON or GraphML, the timeline as CSV, and the
// GraphQL for the whole drawing (shown by the explorer through `onGraphQL`).
import { download, drawingQuery, timelineCsv, toGraphml, toJson } from './export.js';

/** The menu. `getCy()` gives the drawing, `getView()` the address's view (see address.js). */
export function ExportMenu({ getCy, getView, events, empty, graphqlOpen, onGraphQL }) {
  return (
  <details className="ex-menu">
        <summary>Export</summary>
        <div className="ex-menu-items" role="group" aria-label="Export the drawing">
          <button
            type="button"
            className="ex-button"
            disabled={empty}
            onClick={async () => {
              const png = await getCy().png({ output: 'blob-promise', full: true, scale: 2, bg: '#ffffff' });
              download(png, 'diplograph.png');
            }}
          >
            PNG image
          </button>
          <button type="button" className="ex-button" disabled={empty} onClick={() => download(toJson(getCy()), 'diplograph.json', 'application/json')}>
            JSON
          </button>
          <button
            type="button"
            className="ex-button"
            disabled={empty}
            onClick={() => download(toGraphml(getCy()), 'diplograph.graphml', 'application/graphml+xml')}
          >
            GraphML
          </button>
          <button type="button" className="ex-button" disabled={empty} onClick={() => download(timelineCsv(events), 'diplograph-timeline.csv', 'text/csv')}>
            Timeline CSV
          </button>
          <button
            type="button"
            className="ex-button"
            disabled={empty}
            aria-expanded={graphqlOpen}
            onClick={async () => {
              const query = drawingQuery(getView());
              let status = 'Copied to the clipboard.';
              try {
                await navigator.clipboard.writeText(query);
              } catch {
                status = 'The browser did not allow copying: select the text below.';
              }
              onGraphQL({ query, status });
            }}
          >
            Copy as GraphQL
          </button>
        </div>
      </details>
  );
}
