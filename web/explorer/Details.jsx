// The side panel: one entity's facts, each with the reports it rests on, and the query that
// fetched them ("Copy as GraphQL").
import { useEffect, useState } from 'react';
import { CopyGraphQLButton, GraphQLQuery } from './CopyGraphQL.jsx';
import { Facts, KindBadge, Money, Notes, Ref, Section, Sources, When, words } from './parts.jsx';

/**
 * The panel for `details` ({ id, type, query, variables, status, data, error }); `children`
 * (the "connect to" box and the chain found) come right under its buttons.
 */
export function Details({ details, onOpen, onFocus, onConnect, children }) {
  const [showQuery, setShowQuery] = useState(false);
  const [copied, setCopied] = useState('');
  const query = details ? details.query : '';
  useEffect(() => setCopied(''), [query, details && details.id]);
  if (!details) {
    return (
      <div className="ex-panel-empty">
        <h2>Nothing selected</h2>
        <p>
          Search for an actor, event, place or agreement above, then click a node in the drawing to expand it. Its facts
          and the reports they come from appear here.
        </p>
      </div>
    );
  }
  const entity = details.data;
  return (
    <article className="ex-details" aria-busy={details.status === 'loading'} data-id={details.id}>
      <div className="ex-details-tools">
        <button type="button" className="ex-button" onClick={() => onFocus(details.id)} title="Redraw around this entity">
          Focus
        </button>
        {onConnect ? (
          <button
            type="button"
            className="ex-button"
            onClick={onConnect}
            title="Find the shortest chain of facts from this entity to another one"
          >
            Connect to…
          </button>
        ) : null}
        <CopyGraphQLButton
          query={details.query}
          variables={details.variables}
          open={showQuery}
          setOpen={setShowQuery}
          onCopied={setCopied}
        />
      </div>
      {children}
      {showQuery && details.query ? (
        <GraphQLQuery
          query={details.query}
          variables={details.variables}
          status={copied}
          onClose={() => setShowQuery(false)}
        />
      ) : null}
      {details.status === 'error' ? (
        <p className="ex-error" role="alert">
          Could not load {details.id}: {details.error}
        </p>
      ) : null}
      {details.status === 'loading' && !entity ? <p className="ex-muted">Loading {details.id}…</p> : null}
      {entity ? <KindBadge type={entity.__typename} kind={entity.kind || entity.channel} /> : null}
      {entity ? <Body entity={entity} onOpen={onOpen} /> : null}
    </article>
  );
}

/** The facts of one entity, by its type. */
function Body({ entity, onOpen }) {
  switch (entity.__typename) {
    case 'Event':
      return <EventBody e={entity} onOpen={onOpen} />;
    case 'Agreement':
      return <AgreementBody a={entity} onOpen={onOpen} />;
    case 'Actor':
      return <ActorBody a={entity} onOpen={onOpen} />;
    case 'Place':
      return <PlaceBody p={entity} onOpen={onOpen} />;
    case 'Statement':
      return <StatementBody s={entity} onOpen={onOpen} />;
    case 'Source':
      return <SourceBody s={entity} />;
    default:
      return <p>{entity.id}</p>;
  }
}

function EventBody({ e, onOpen }) {
  return (
    <>
      <h2 id="ex-details-title">{e.title}</h2>
      <Facts
        rows={[
          ['When', <When when={e.when} />],
          [
            'Where',
            e.place ? (
              <>
                <Ref entity={e.place} type="Place" onOpen={onOpen} />
                {e.place.containedIn ? (
                  <>
                    {' in '}
                    <Ref entity={e.place.containedIn} type="Place" onOpen={onOpen} />
                  </>
                ) : null}
              </>
            ) : null,
          ],
          ['How', [words(e.mode), words(e.status)].filter(Boolean).join(', ')],
          ['Part of', e.partOf ? <Ref entity={e.partOf} type="Event" onOpen={onOpen} /> : null],
          ['Topics', e.topics && e.topics.length ? e.topics.join(', ') : null],
        ]}
      />
      {e.summary ? <p className="ex-summary">{e.summary}</p> : null}
      <p className="ex-cites">
        <Sources sources={e.sources} onOpen={onOpen} label="Sources of this event" />
      </p>
      <Section title="Participants" count={e.participants.length} empty="The reports name no participant.">
        {e.participants.length ? (
          <ul className="ex-list">
            {e.participants.map((p) => (
              <li key={p.actor.id}>
                <Ref entity={p.actor} type="Actor" onOpen={onOpen} /> <span className="ex-role">{words(p.role)}</span>
                <Sources sources={p.sources} onOpen={onOpen} label={`Sources placing ${p.actor.name} there`} />
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section title="Agreements" count={e.agreements.length}>
        {e.agreements.length ? (
          <ul className="ex-list">
            {e.agreements.map((a) => (
              <li key={a.id}>
                <Ref entity={a} type="Agreement" onOpen={onOpen} />
                <span className="ex-line">
                  {words(a.kind)}, {words(a.status)}
                  {a.amount ? ', ' : ''}
                  <Money amount={a.amount} />
                </span>
                <Sources sources={a.sources} onOpen={onOpen} />
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section title="Statements" count={e.statements.length}>
        {e.statements.length ? (
          <ul className="ex-list">
            {e.statements.map((s) => (
              <li key={s.id}>
                <Ref entity={s} type="Statement" label={`${s.speaker.name}: ${s.quote ? '“' : ''}${s.text}${s.quote ? '”' : ''}`} onOpen={onOpen} />
                <span className="ex-line">
                  <When when={s.when} />
                </span>
                <Sources sources={s.sources} onOpen={onOpen} />
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section title="Made of" count={e.parts.length}>
        {e.parts.length ? <EventList events={e.parts} onOpen={onOpen} /> : null}
      </Section>
      <Notes notes={e.notes} onOpen={onOpen} />
    </>
  );
}

function AgreementBody({ a, onOpen }) {
  return (
    <>
      <h2 id="ex-details-title">{a.title}</h2>
      <Facts
        rows={[
          ['Status', words(a.status)],
          ['When', <When when={a.when} />],
          ['Money', a.amount ? <Money amount={a.amount} /> : null],
          ['Runs for', a.durationMonths ? `${a.durationMonths} months` : null],
          ['Reached at', a.event ? <Ref entity={a.event} type="Event" onOpen={onOpen} /> : null],
          ['Topics', a.topics && a.topics.length ? a.topics.join(', ') : null],
        ]}
      />
      {a.summary ? <p className="ex-summary">{a.summary}</p> : null}
      <p className="ex-cites">
        <Sources sources={a.sources} onOpen={onOpen} label="Sources of this agreement" />
      </p>
      <Section title="Parties" count={a.parties.length} empty="The reports name no party.">
        {a.parties.length ? <ActorList actors={a.parties} onOpen={onOpen} /> : null}
      </Section>
      <Section title="Signatories" count={a.signatories.length}>
        {a.signatories.length ? <ActorList actors={a.signatories} onOpen={onOpen} /> : null}
      </Section>
      <Notes notes={a.notes} onOpen={onOpen} />
    </>
  );
}

function ActorBody({ a, onOpen }) {
  return (
    <>
      <h2 id="ex-details-title">{a.name}</h2>
      <Facts
        rows={[
          ['Also', a.aliases.length ? a.aliases.join(', ') : null],
          ['Country', a.country ? <Ref entity={a.country} type="Place" onOpen={onOpen} /> : null],
        ]}
      />
      {a.summary ? <p className="ex-summary">{a.summary}</p> : null}
      <p className="ex-cites">
        <Sources sources={a.sources} onOpen={onOpen} label="Reports that mention this actor" />
      </p>
      <Section title="Positions" count={a.positions.length}>
        {a.positions.length ? (
          <ul className="ex-list">
            {a.positions.map((p, i) => (
              <li key={i}>
                <span>{p.title}</span>
                {p.organization ? (
                  <>
                    {' · '}
                    <Ref entity={p.organization} type="Actor" onOpen={onOpen} />
                  </>
                ) : null}
                <span className="ex-line">{span(p)}</span>
                <Sources sources={p.sources} onOpen={onOpen} />
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Facets of={a} events={a.events} onOpen={onOpen} />
      <Section title="Events" count={a.events.totalCount}>
        {a.events.nodes.length ? <EventList events={a.events.nodes} onOpen={onOpen} /> : null}
      </Section>
      <Section title="Agreements" count={a.agreements.totalCount}>
        {a.agreements.nodes.length ? (
          <ul className="ex-list">
            {a.agreements.nodes.map((g) => (
              <li key={g.id}>
                <Ref entity={g} type="Agreement" onOpen={onOpen} />
                <span className="ex-line">
                  {words(g.kind)}, {words(g.status)}
                  {g.amount ? ', ' : ''}
                  <Money amount={g.amount} />
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section title="Statements" count={a.statements.totalCount}>
        {a.statements.nodes.length ? (
          <ul className="ex-list">
            {a.statements.nodes.map((s) => (
              <li key={s.id}>
                <Ref entity={s} type="Statement" label={s.quote ? `“${s.text}”` : s.text} onOpen={onOpen} />
                <span className="ex-line">
                  <When when={s.when} />
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section title="Met most" count={a.counterparts.length}>
        {a.counterparts.length ? (
          <ul className="ex-list ex-compact">
            {a.counterparts.map((c) => (
              <li key={c.actor.id}>
                <Ref entity={c.actor} type="Actor" onOpen={onOpen} />{' '}
                <span className="ex-muted">
                  {c.sharedEvents} shared event{c.sharedEvents === 1 ? '' : 's'}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Notes notes={a.notes} onOpen={onOpen} />
    </>
  );
}

function PlaceBody({ p, onOpen }) {
  return (
    <>
      <h2 id="ex-details-title">{p.name}</h2>
      <Facts
        rows={[
          ['Also', p.aliases.length ? p.aliases.join(', ') : null],
          ['Code', p.code],
          ['In', p.containedIn ? <Ref entity={p.containedIn} type="Place" onOpen={onOpen} /> : null],
          [
            'Coordinates',
            p.latitude !== null && p.longitude !== null ? `${p.latitude.toFixed(4)}, ${p.longitude.toFixed(4)}` : null,
          ],
        ]}
      />
      <p className="ex-cites">
        <Sources sources={p.sources} onOpen={onOpen} label="Reports that mention this place" />
      </p>
      <Section title="Contains" count={p.contains.length}>
        {p.contains.length ? (
          <ul className="ex-list ex-compact">
            {p.contains.map((c) => (
              <li key={c.id}>
                <Ref entity={c} type="Place" onOpen={onOpen} /> <span className="ex-muted">{words(c.kind)}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Facets of={p} events={p.events} onOpen={onOpen} />
      <Section title="Events here" count={p.events.totalCount}>
        {p.events.nodes.length ? <EventList events={p.events.nodes} onOpen={onOpen} /> : null}
      </Section>
      <Notes notes={p.notes} onOpen={onOpen} />
    </>
  );
}

function StatementBody({ s, onOpen }) {
  return (
    <>
      <h2 id="ex-details-title" className="ex-quote">
        {s.quote ? `“${s.text}”` : s.text}
      </h2>
      <Facts
        rows={[
          ['Said by', <Ref entity={s.speaker} type="Actor" onOpen={onOpen} />],
          ['When', <When when={s.when} />],
          ['Channel', words(s.channel)],
          ['Wording', s.quote ? 'the speaker’s own words' : 'a paraphrase'],
          ['About', s.about ? <Ref entity={s.about} type="Event" onOpen={onOpen} /> : null],
          [
            'Answers',
            s.respondsTo ? (
              <Ref entity={s.respondsTo} type="Statement" label={`${s.respondsTo.speaker.name}: ${s.respondsTo.text}`} onOpen={onOpen} />
            ) : null,
          ],
        ]}
      />
      <p className="ex-cites">
        <Sources sources={s.sources} onOpen={onOpen} label="Reports that quote or relate it" />
      </p>
      <Section title="Answered by" count={s.responses.length}>
        {s.responses.length ? (
          <ul className="ex-list">
            {s.responses.map((r) => (
              <li key={r.id}>
                <Ref entity={r} type="Statement" label={`${r.speaker.name}: ${r.text}`} onOpen={onOpen} />
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
    </>
  );
}

function SourceBody({ s }) {
  return (
    <>
      <h2 id="ex-details-title">{s.title}</h2>
      <Facts
        rows={[
          ['Outlet', s.outlet],
          ['Publisher', s.publisher || 'not named in the document'],
          ['Published', s.published],
          ['Document', <code>{s.document}</code>],
          ['Credits', s.credits && s.credits.length ? s.credits.join('; ') : 'none'],
          ['Facts citing it', String(s.factCount)],
        ]}
      />
      {s.note ? <p className="ex-summary">{s.note}</p> : null}
    </>
  );
}

/** Most people a facet list shows. */
const MET_MOST = 5;

/**
 * The facets of an actor's or a place's events, as the API counts them over all of them:
 * their kinds, the countries they happen in, and who takes part most (the actor itself left
 * out).
 */
function Facets({ of, events, onOpen }) {
  const f = events.facets;
  if (!f || events.totalCount === 0) return null;
  const people = f.participants.filter((p) => p.actor.id !== of.id).slice(0, MET_MOST);
  return (
    <section className="ex-section ex-facets" aria-label={`Facets of the events of ${of.name}`}>
      <h3>
        Facets <span className="ex-muted ex-facets-of">of {events.totalCount} events</span>
      </h3>
      <FacetList
        name="kinds"
        title="Kinds"
        rows={f.kinds.map((k) => ({ key: k.kind, label: words(k.kind), count: k.count }))}
      />
      <FacetList
        name="countries"
        title="Countries"
        empty="No event at a place in a known country."
        rows={f.countries.map((c) => ({
          key: c.place.id,
          label: <Ref entity={c.place} type="Place" onOpen={onOpen} />,
          count: c.count,
        }))}
      />
      <FacetList
        name="participants"
        title={of.__typename === 'Actor' ? 'Meets most' : 'Who comes most'}
        empty="Nobody else takes part."
        rows={people.map((p) => ({
          key: p.actor.id,
          label: <Ref entity={p.actor} type="Actor" onOpen={onOpen} />,
          count: p.count,
        }))}
      />
    </section>
  );
}

/** One facet: its entries with their counts, most first (the API's order). */
function FacetList({ name, title, rows, empty }) {
  return (
    <div className="ex-facet" data-facet={name}>
      <h4>{title}</h4>
      {rows.length ? (
        <ul className="ex-facet-list">
          {rows.map((r) => (
            <li key={r.key} data-key={r.key}>
              <span className="ex-facet-label">{r.label}</span>
              <span className="ex-facet-count">{r.count}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="ex-muted">{empty}</p>
      )}
    </div>
  );
}

/** A list of events with their dates. */
function EventList({ events, onOpen }) {
  return (
    <ul className="ex-list ex-compact">
      {events.map((ev) => (
        <li key={ev.id}>
          <Ref entity={ev} type="Event" onOpen={onOpen} />
          <span className="ex-line">
            <When when={ev.when} />
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A list of actors. */
function ActorList({ actors, onOpen }) {
  return (
    <ul className="ex-list ex-compact">
      {actors.map((a) => (
        <li key={a.id}>
          <Ref entity={a} type="Actor" onOpen={onOpen} /> <span className="ex-muted">{words(a.kind)}</span>
        </li>
      ))}
    </ul>
  );
}

/** When a position was held, as far as the reports say. */
function span(p) {
  if (p.start || p.end) return `${p.start || '?'} – ${p.end || 'now'}`;
  if (p.asOf) return `held as of ${p.asOf}`;
  return '';
}
