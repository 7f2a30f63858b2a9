// "Connect to…": how the entity in the panel is linked to another one. A search box picks the
// other entity, the API's `path` finds the shortest chain of facts, the drawing highlights it
// and this panel section lists each link with its kind and the reports it rests on.
import { Search } from './Search.jsx';
import { Ref, Sources, words } from './parts.jsx';
import { labelOf } from './kinds.js';

/** The box that asks which entity to connect `fromName` to; `onConnect(id)` gets the choice. */
export function ConnectBox({ fromName, onConnect, onClose }) {
  return (
    <div className="ex-connect" role="group" aria-label={`Connect ${fromName} to another entity`}>
      <Search
        prefix="ex-connect"
        label={`Connect ${fromName} to`}
        placeholder={`Connect ${fromName} to…`}
        onOpen={(id) => onConnect(id)}
        autoFocus
      />
      <button type="button" className="ex-button" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}

/**
 * The chain found (`path`: { from, to, status, hops, links, error }): each link between two
 * entities, its kind in words (read in the stored direction) and its sources.
 */
export function PathView({ path, onOpen, onClear }) {
  if (!path) return null;
  return (
    <section className="ex-section ex-path" aria-label="Chain of facts" data-status={path.status}>
      <h3>
        Chain{path.status === 'ready' ? <span className="ex-count"> {path.hops} links</span> : null}
        <button type="button" className="ex-button ex-path-clear" onClick={onClear}>
          Clear
        </button>
      </h3>
      {path.status === 'loading' ? <p className="ex-muted">Looking for a chain…</p> : null}
      {path.status === 'none' ? <p className="ex-muted">No chain of facts links them within 6 links.</p> : null}
      {path.status === 'error' ? (
        <p className="ex-error" role="alert">
          Could not find a chain: {path.error}
        </p>
      ) : null}
      {path.status === 'ready' ? (
        <ol className="ex-list ex-path-list">
          {path.links.map((l, i) => (
            <li key={l.id} data-link={l.id} data-kind={l.kind}>
              {i === 0 ? <Ref entity={l.a} type={l.a.__typename} label={labelOf(l.a)} onOpen={onOpen} /> : null}
              <span className="ex-path-link">
                {l.from === l.a.id ? '↓ ' : '↑ '}
                {words(l.kind)}
              </span>
              <Sources sources={l.sources} onOpen={onOpen} label={`Sources of the link ${words(l.kind)}`} />
              <Ref entity={l.b} type={l.b.__typename} label={labelOf(l.b)} onOpen={onOpen} />
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
