// The timeline strip: the events in the drawing, in date order. Pointing at one (or tabbing to
// it) highlights its node; choosing it opens it.
import { useEffect, useRef } from 'react';
import { clip } from './kinds.js';

/** One strip of buttons; `events` are node data ({ id, label, when }) in date order. */
export function Timeline({ events, selectedId, onOpen, onHighlight }) {
  const list = useRef(null);

  // Bring the selected event into view when it changes.
  useEffect(() => {
    if (!list.current || !selectedId) return;
    const el = list.current.querySelector(`[data-id="${CSS.escape(selectedId)}"]`);
    if (el) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selectedId, events]);

  return (
    <nav className="ex-timeline" aria-label="Timeline of the events in view">
      <h2 className="ex-timeline-title">
        Timeline <span className="ex-count">{events.length}</span>
      </h2>
      {events.length === 0 ? (
        <p className="ex-muted ex-timeline-empty">No event in view.</p>
      ) : (
        <ol ref={list} className="ex-timeline-list">
          {events.map((ev, i) => {
            const year = ev.when ? ev.when.start.slice(0, 4) : '';
            const prevYear = i > 0 && events[i - 1].when ? events[i - 1].when.start.slice(0, 4) : null;
            return (
              <li key={ev.id} className={year !== prevYear && i > 0 ? 'ex-year-break' : undefined}>
                <button
                  type="button"
                  className="ex-tl-item"
                  data-id={ev.id}
                  aria-current={ev.id === selectedId ? 'true' : undefined}
                  title={ev.label}
                  onClick={() => onOpen(ev.id)}
                  onMouseEnter={() => onHighlight(ev.id)}
                  onMouseLeave={() => onHighlight(null)}
                  onFocus={() => onHighlight(ev.id)}
                  onBlur={() => onHighlight(null)}
                >
                  <time dateTime={ev.when ? ev.when.start : undefined}>{ev.when ? ev.when.text : '?'}</time>
                  <span>{clip(ev.label, 46)}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </nav>
  );
}
