// The timeline strip: how many of the events drawn start in each month (the API's
// `timeline(bucket: MONTH)` of exactly those events, empty months included), then the events in the drawing, in date
// order. Pointing at a month highlights the drawn events of that month; pointing at an event
// (or tabbing to it) highlights its node; choosing it opens it.
import { useEffect, useRef } from 'react';
import { outside } from './graph.js';
import { clip } from './kinds.js';

/**
 * One strip: the month chart of `months` ({ id, status, total, buckets, error }: the drawn
 * events' months, `id` the entity drawn at the centre; null when no event is drawn), then buttons for `events`, node
 * data ({ id, label, when }) in date order.
 */
export function Timeline({ months, events, selectedId, range, onRange, onOpen, onHighlight, onHighlightMonth }) {
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
      <Months months={months} range={range} onRange={onRange} onHighlightMonth={onHighlightMonth} />
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
                  data-outside={outside(ev, range) ? 'true' : undefined}
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

/** Bar height in pixels for the busiest month. */
const BAR_MAX = 34;

/**
 * The month chart: one bar per month of the events drawn, from the API. Dragging
 * across it (or a click on one month) chooses the date range `range` ({ from, to }): the
 * drawing dims what falls outside; `onRange(null)` clears it.
 */
function Months({ months, range, onRange, onHighlightMonth }) {
  const drag = useRef(null);
  if (!months) return null;
  const { buckets } = months;
  if (months.status === 'error') {
    return (
      <p className="ex-months ex-muted" role="alert">
        No monthly counts: {months.error}
      </p>
    );
  }
  if (!buckets) return <p className="ex-months ex-muted">Counting the events drawn…</p>;
  if (buckets.length === 0) return <p className="ex-months ex-muted">No dated event drawn.</p>;
  const most = Math.max(1, ...buckets.map((b) => b.count));
  const inRange = (label) => range && (!range.from || label >= range.from) && (!range.to || label <= range.to);
  const monthAt = (e) => {
    const el = document.elementFromPoint(e.clientX, e.clientY);
    const li = el && el.closest('.ex-month');
    return li ? li.dataset.label : null;
  };
  const brush = {
    onPointerDown: (e) => {
      const label = monthAt(e);
      if (!label || e.button !== 0) return;
      e.preventDefault();
      drag.current = label;
      if (e.currentTarget.setPointerCapture) e.currentTarget.setPointerCapture(e.pointerId);
      onRange({ from: label, to: label });
    },
    onPointerMove: (e) => {
      if (!drag.current) return;
      const label = monthAt(e);
      if (!label) return;
      const [from, to] = [drag.current, label].sort();
      onRange({ from, to });
    },
    onPointerUp: () => {
      drag.current = null;
    },
  };
  const first = buckets[0].label;
  const last = buckets[buckets.length - 1].label;
  return (
    <figure className="ex-months" data-id={months.id} aria-label="Events drawn, per month" data-total={months.total} data-status={months.status}>
      <ol className={range ? 'ex-months-bars ex-brushed' : 'ex-months-bars'} {...brush} title="Drag across the months to dim what falls outside">
        {buckets.map((b, i) => {
          const tip = `${b.label}: ${b.count} event${b.count === 1 ? '' : 's'}${
            b.imprecise ? ` (${b.imprecise} dated less precisely)` : ''
          }`;
          const year = b.label.slice(0, 4);
          const newYear = i > 0 && buckets[i - 1].label.slice(0, 4) !== year;
          return (
            <li
              key={b.label}
              className={`ex-month${b.count ? '' : ' ex-month-empty'}${newYear ? ' ex-month-year' : ''}${
                inRange(b.label) ? ' ex-month-in' : ''
              }`}
              data-label={b.label}
              data-count={b.count}
              title={tip}
              aria-label={tip}
              onMouseEnter={() => onHighlightMonth(b.label)}
              onMouseLeave={() => onHighlightMonth(null)}
            >
              {b.count ? <span className="ex-month-count">{b.count}</span> : null}
              <span className="ex-month-bar" style={{ height: `${Math.max(b.count ? 3 : 1, Math.round((b.count / most) * BAR_MAX))}px` }} />
            </li>
          );
        })}
      </ol>
      <figcaption className="ex-months-caption">
        <span>{first}</span>
        <span className="ex-months-total">
          {months.total} event{months.total === 1 ? '' : 's'} drawn, per month
        </span>
        {last !== first ? <span>{last}</span> : null}
        {range ? (
          <button type="button" className="ex-ref ex-range-clear" onClick={() => onRange(null)}>
            all dates
          </button>
        ) : null}
      </figcaption>
    </figure>
  );
}
