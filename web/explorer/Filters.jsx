// The drawing's filters: a menu (event kind, a month range, "known by" a day) and the
// legend, whose items switch a kind of entity off and on. The explorer owns the state.
import { KIND_ORDER, KINDS, words } from './kinds.js';

/** A date range with its ends in order, or null when it has neither. */
export function tidyRange(r) {
  if (!r.from && !r.to) return null;
  if (r.from && r.to && r.from > r.to) return { from: r.to, to: r.from };
  return r;
}

/**
 * The filter menu. `eventKinds` are the kinds of the events drawn; `filtersOn` how many
 * filters are set (shown on the menu); the rest are the filters and their setters.
 */
export function FilterMenu({ eventKinds, filtersOn, eventKind, setEventKind, range, setRange, knownBy, setKnownBy, resetFilters }) {
  return (
  <details className="ex-filters">
        <summary>Filters{filtersOn ? ` (${filtersOn})` : ''}</summary>
        <div className="ex-filter-row">
          <label>
            Events{' '}
            <select value={eventKind} onChange={(e) => setEventKind(e.target.value)} aria-label="Kind of event shown">
              <option value="">all kinds</option>
              {eventKinds.map((k) => (
                <option key={k} value={k}>
                  {words(k)}
                </option>
              ))}
            </select>
          </label>
          <label>
            From{' '}
            <input
              type="month"
              aria-label="From month"
              value={(range && range.from) || ''}
              onChange={(e) => setRange((r) => tidyRange({ ...(r || {}), from: e.target.value || null }))}
            />
          </label>
          <label>
            to{' '}
            <input
              type="month"
              aria-label="To month"
              value={(range && range.to) || ''}
              onChange={(e) => setRange((r) => tidyRange({ ...(r || {}), to: e.target.value || null }))}
            />
          </label>
          <label title="Replay what the reports had told by this day: hide the events, agreements and statements no report had published yet">
            Known by{' '}
            <input type="date" aria-label="Known by" value={knownBy} onChange={(e) => setKnownBy(e.target.value)} />
          </label>
          <button type="button" className="ex-button" disabled={!filtersOn} onClick={resetFilters}>
            Show all
          </button>
        </div>
      </details>
  );
}

/** The legend: one button per kind, pressed while the kind is shown. */
export function Legend({ showSources, hiddenKinds, toggleKind }) {
  return (
  <ul className="ex-legend" aria-label="Kinds shown (click to hide or show a kind)">
        {KIND_ORDER.map((t) => {
          const on = t === 'Source' ? showSources : !hiddenKinds.includes(t);
          return (
            <li key={t}>
              <button type="button" aria-pressed={on} data-kind={t} onClick={() => toggleKind(t)}>
                <span className={`ex-swatch ex-kind-${t}`} aria-hidden="true" />
                {KINDS[t].label}
              </button>
            </li>
          );
        })}
      </ul>
  );
}
