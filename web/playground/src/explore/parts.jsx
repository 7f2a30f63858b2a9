// Small pieces the details panel is made of: links to entities, dates with their precision,
// money, and the sources a fact cites.
import { KINDS, clip, sourceLabel, words } from './kinds.js';

/** A link to another entity: opens it in the panel and the drawing. */
export function Ref({ entity, type, label, onOpen }) {
  if (!entity) return null;
  const t = type || entity.__typename;
  const text = label || entity.name || entity.title || entity.text || entity.id;
  return (
    <button type="button" className="ex-ref" data-id={entity.id} onClick={() => onOpen(entity.id)}>
      {t ? <span className={`ex-swatch ex-kind-${t}`} aria-hidden="true" /> : null}
      <span>{text}</span>
    </button>
  );
}

/** What a precision means to a reader. */
const PRECISION = { DAY: 'known to the day', MONTH: 'known to the month', YEAR: 'known to the year' };

/** A time span as the reports give it, with how precisely it is known. */
export function When({ when }) {
  if (!when) return <span className="ex-muted">date unknown</span>;
  const range = when.start && when.end && when.start !== when.end && when.precision === 'DAY';
  return (
    <span className="ex-when">
      <time dateTime={when.precision === 'DAY' ? when.start : when.text}>{when.text}</time>{' '}
      <span className="ex-precision" title={range ? `from ${when.start} to ${when.end}` : undefined}>
        {PRECISION[when.precision] || words(when.precision)}
        {when.precision !== 'DAY' && when.start && when.end ? ` (${when.start} – ${when.end})` : ''}
      </span>
    </span>
  );
}

/** An amount of money, written out: 130000000 USD -> "USD 130,000,000". */
export function Money({ amount }) {
  if (!amount) return null;
  const n = Number(amount.amount);
  let text;
  try {
    text = new Intl.NumberFormat('en', { style: 'currency', currency: amount.currency, maximumFractionDigits: 0 }).format(n);
  } catch {
    text = `${amount.currency} ${n.toLocaleString('en')}`;
  }
  return (
    <span className="ex-money" title={`${amount.amount} ${amount.currency}`}>
      {text}
    </span>
  );
}

/** The reports a fact rests on, each a link to the report itself. */
export function Sources({ sources, onOpen, label = 'Sources' }) {
  if (!sources || sources.length === 0) return <span className="ex-muted ex-sources">no source given</span>;
  return (
    <span className="ex-sources" role="group" aria-label={label}>
      <span className="ex-sources-label" aria-hidden="true">
        {sources.length === 1 ? 'source' : 'sources'}
      </span>
      {sources.map((s) => (
        <button
          key={s.id}
          type="button"
          className="ex-source"
          data-id={s.id}
          title={s.title || s.id}
          onClick={() => onOpen(s.id)}
        >
          {sourceLabel(s, 32)}
        </button>
      ))}
    </span>
  );
}

/** A titled section of the panel; hidden when it has nothing to show. */
export function Section({ title, count, children, empty }) {
  const has = Array.isArray(children) ? children.some(Boolean) : Boolean(children);
  if (!has && !empty) return null;
  return (
    <section className="ex-section">
      <h3>
        {title}
        {typeof count === 'number' ? <span className="ex-count"> {count}</span> : null}
      </h3>
      {has ? children : <p className="ex-muted">{empty}</p>}
    </section>
  );
}

/** Notes on facts the reports disagree about, with their sources. */
export function Notes({ notes, onOpen }) {
  if (!notes || notes.length === 0) return null;
  return (
    <Section title="Notes" count={notes.length}>
      <ul className="ex-list">
        {notes.map((n, i) => (
          <li key={i}>
            <p>{n.text}</p>
            <Sources sources={n.sources} onOpen={onOpen} />
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** A definition list of the facts that have a value. */
export function Facts({ rows }) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '' && v !== false);
  if (!shown.length) return null;
  return (
    <dl className="ex-facts">
      {shown.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The kind badge at the top of the panel. */
export function KindBadge({ type, kind }) {
  const k = KINDS[type];
  return (
    <span className="ex-badge">
      <span className={`ex-swatch ex-kind-${type}`} aria-hidden="true" />
      {k ? k.label : type}
      {kind ? ` · ${words(kind)}` : ''}
    </span>
  );
}

export { clip, words };
