// The search box: results as you type (the API's `search`), a listbox the arrow keys walk
// through, Enter to open. Follows the WAI-ARIA combobox pattern with aria-activedescendant.
import { useEffect, useRef, useState } from 'react';
import { SEARCH_QUERY, request } from './api.js';
import { KINDS, clip, labelOf, words } from './kinds.js';

/** How long typing must pause before the search is sent, in milliseconds. */
const DEBOUNCE_MS = 120;

/** A search hit's second line: its kind and what tells it apart. */
function detailOf(hit) {
  switch (hit.__typename) {
    case 'Actor':
    case 'Place':
      return words(hit.kind);
    case 'Event':
      return [words(hit.kind), hit.when && hit.when.text].filter(Boolean).join(' · ');
    case 'Agreement':
      return words(hit.kind);
    case 'Statement':
      return hit.speaker ? `said by ${hit.speaker.name}` : '';
    case 'Source':
      return [hit.publisher, hit.document].filter(Boolean).join(' · ');
    default:
      return '';
  }
}

/**
 * A search field and its results. `onOpen(id, add)` is called with the chosen entity's id, and
 * `add` true when the reader chose it with Shift+Enter (or Shift+click): add it to the drawing
 * rather than redraw. `prefix` keeps the ids of two boxes on one page apart.
 */
export function Search({
  onOpen,
  inputRef,
  prefix = 'ex-search',
  label = 'Search entities',
  placeholder = 'Search actors, events, places, agreements…  (press / )',
  autoFocus = false,
}) {
  const [text, setText] = useState('');
  const [hits, setHits] = useState([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  const latest = useRef(0);

  useEffect(() => {
    const wanted = text.trim();
    if (!wanted) {
      setHits([]);
      setStatus('');
      return undefined;
    }
    const ticket = ++latest.current;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const data = await request(SEARCH_QUERY, { text: wanted }, controller.signal);
        if (ticket !== latest.current) return;
        setHits(data.search);
        setActive(data.search.length ? 0 : -1);
        setStatus(data.search.length ? `${data.search.length} results` : 'No match');
      } catch (err) {
        if (controller.signal.aborted || ticket !== latest.current) return;
        setHits([]);
        setStatus(`Search failed: ${err.message}`);
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  const choose = (hit, add = false) => {
    if (!hit) return;
    setOpen(false);
    onOpen(hit.id, add);
  };

  const onKeyDown = (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((i) => (hits.length ? (i + 1) % hits.length : -1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      setActive((i) => (hits.length ? (i - 1 + hits.length) % hits.length : -1));
    } else if (e.key === 'Home' && open && hits.length) {
      e.preventDefault();
      setActive(0);
    } else if (e.key === 'End' && open && hits.length) {
      e.preventDefault();
      setActive(hits.length - 1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (open && active >= 0) choose(hits[active], e.shiftKey);
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
      } else {
        setText('');
      }
    }
  };

  // Keep the active option in view while walking a long list.
  useEffect(() => {
    if (active < 0) return;
    const el = document.getElementById(`${prefix}-hit-${active}`);
    if (el) el.scrollIntoView({ block: 'nearest' });
  }, [active, prefix]);

  const expanded = open && hits.length > 0;
  return (
    <div className="ex-search" role="search">
      <label htmlFor={`${prefix}-input`} className="ex-visually-hidden">
        {label}
      </label>
      <input
        id={`${prefix}-input`}
        ref={inputRef}
        autoFocus={autoFocus}
        type="search"
        role="combobox"
        autoComplete="off"
        spellCheck="false"
        placeholder={placeholder}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${prefix}-results`}
        aria-activedescendant={expanded && active >= 0 ? `${prefix}-hit-${active}` : undefined}
        aria-describedby={`${prefix}-status`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <span id={`${prefix}-status`} className="ex-visually-hidden" aria-live="polite">
        {status}
      </span>
      <ul id={`${prefix}-results`} role="listbox" aria-label="Search results" className="ex-results" hidden={!expanded}>
        {hits.map((hit, i) => {
          const kind = KINDS[hit.__typename];
          return (
            <li
              key={hit.id}
              id={`${prefix}-hit-${i}`}
              role="option"
              aria-selected={i === active}
              data-id={hit.id}
              className={i === active ? 'ex-hit active' : 'ex-hit'}
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => setActive(i)}
              onClick={(e) => choose(hit, e.shiftKey)}
            >
              <span className={`ex-swatch ex-kind-${hit.__typename}`} aria-hidden="true" />
              <span className="ex-hit-text">
                <span className="ex-hit-label">{clip(labelOf(hit), 90)}</span>
                <span className="ex-hit-detail">
                  {kind ? kind.label : hit.__typename}
                  {detailOf(hit) ? ` · ${detailOf(hit)}` : ''}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
      {open && text.trim() && status === 'No match' ? <div className="ex-results ex-empty">No match</div> : null}
    </div>
  );
}
