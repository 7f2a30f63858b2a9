// The graph in memory, read from Diplograph's CSV export (`diplograph export --format csv
// --out DIR`): one plain object per record, maps by id, and the reverse lists the resolvers
// walk (an actor's events, an event's agreements and parts, a place's contents). Each table
// comes in the API's order (events by start, end, id; agreements by date, id; places by
// name, id), so a list built in row order is already in the order Diplograph serves it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

function table(dir, name) {
  return parse(readFileSync(join(dir, `${name}.csv`)), { columns: true, bom: true });
}

const list = (cell) => (cell === '' ? [] : cell.split(';'));
const optional = (cell) => (cell === '' ? null : cell);
const number = (cell) => (cell === '' ? null : Number(cell));
// "in_person" -> "IN_PERSON": the GraphQL enum value of a stored kind, mode, role...
const enumValue = (cell) => cell.toUpperCase();

/** Accent-, case- and punctuation-insensitive form of a name, as Diplograph's `fold`. */
export function fold(text) {
  let out = '';
  let pendingSpace = false;
  for (const c of text.normalize('NFD')) {
    if (/\p{M}/u.test(c) || c === '.' || c === "'" || c === '\u2019') continue;
    if (/[\p{Alphabetic}\p{N}]/u.test(c)) {
      if (pendingSpace && out !== '') out += ' ';
      pendingSpace = false;
      out += c.toLowerCase();
    } else {
      pendingSpace = true;
    }
  }
  return out;
}

const PRECISION = { 4: 'YEAR', 7: 'MONTH', 10: 'DAY' };

function lastDay(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A TimeSpan from its ISO 8601 text: "2021-06-08", "2021-05", "2024", "2021-06-06/2021-06-08". */
export function span(text) {
  const [a, b = a] = text.split('/');
  const precision = PRECISION[a.length];
  const start = a.length === 4 ? `${a}-01-01` : a.length === 7 ? `${a}-01` : a;
  const [y, m] = b.split('-').map(Number);
  const end =
    b.length === 4 ? `${b}-12-31` : b.length === 7 ? `${b}-${String(lastDay(y, m)).padStart(2, '0')}` : b;
  return { start, end, precision, text };
}

function pushOnce(map, key, value) {
  let values = map.get(key);
  if (!values) map.set(key, (values = []));
  if (values[values.length - 1] !== value) values.push(value);
}

function nameIndex(entities) {
  const ix = { exact: new Map(), words: new Map(), folded: new Map() };
  for (const e of entities) {
    const folded = [e.name, ...e.aliases].map((n) => {
      const f = fold(n);
      return { folded: f, words: f.split(' ').filter((w) => w !== '') };
    });
    for (const f of folded) {
      pushOnce(ix.exact, f.folded, e.id);
      for (const w of f.words) pushOnce(ix.words, w, e.id);
    }
    ix.folded.set(e.id, folded);
  }
  return ix;
}

/** Reads the CSV tables in `dir`. */
export function load(dir) {
  const sources = new Map();
  for (const r of table(dir, 'sources')) {
    sources.set(r.id, {
      id: r.id,
      outlet: r.outlet,
      title: r.title,
      published: optional(r.published),
      document: r.document,
    });
  }

  const places = new Map();
  for (const r of table(dir, 'places')) {
    places.set(r.id, {
      id: r.id,
      name: r.name,
      aliases: list(r.aliases),
      kind: enumValue(r.kind),
      code: optional(r.code),
      within: optional(r.within),
      latitude: number(r.latitude),
      longitude: number(r.longitude),
      sources: list(r.sources),
    });
  }

  const actors = new Map();
  for (const r of table(dir, 'actors')) {
    actors.set(r.id, {
      id: r.id,
      name: r.name,
      aliases: list(r.aliases),
      kind: enumValue(r.kind),
      sources: list(r.sources),
    });
  }

  const events = new Map();
  for (const r of table(dir, 'events')) {
    events.set(r.id, {
      id: r.id,
      title: r.title,
      kind: enumValue(r.kind),
      mode: enumValue(r.mode),
      status: enumValue(r.status),
      when: { ...span(r.when), start: r.start, end: r.end },
      place: optional(r.place),
      partOf: optional(r.part_of),
      topics: list(r.topics),
      summary: r.summary,
      sources: list(r.sources),
      participants: [],
    });
  }

  // An actor's events: those it took part in, once each, in event order (the rows come
  // event by event, in event order).
  const eventsOf = new Map();
  for (const r of table(dir, 'participations')) {
    const event = events.get(r.event);
    event.participants.push({ actor: r.actor, role: enumValue(r.role), sources: list(r.sources) });
    pushOnce(eventsOf, r.actor, r.event);
  }

  const agreements = new Map();
  // An event's agreements: those reached at it or at any event inside it, in agreement order.
  const agreementsOf = new Map();
  for (const r of table(dir, 'agreements')) {
    const a = {
      id: r.id,
      title: r.title,
      kind: enumValue(r.kind),
      status: enumValue(r.status),
      when: r.when === '' ? null : span(r.when),
      event: optional(r.event),
      parties: list(r.parties),
      signatories: list(r.signatories),
      amount: r.amount === '' ? null : { amount: Number(r.amount), currency: r.currency },
      durationMonths: number(r.duration_months),
      topics: list(r.topics),
      summary: r.summary,
      sources: list(r.sources),
    };
    agreements.set(a.id, a);
    for (let at = a.event, guard = 0; at !== null && guard < 64; guard++) {
      pushOnce(agreementsOf, at, a.id);
      at = events.get(at)?.partOf ?? null;
    }
  }

  // The events part of an event and the places inside a place, in their kind's order.
  const children = new Map();
  for (const e of events.values()) if (e.partOf) pushOnce(children, e.partOf, e.id);
  for (const p of places.values()) if (p.within) pushOnce(children, p.within, p.id);

  // Name lookup, for actors and for places: exact folded names and aliases, and the
  // entities one of whose names holds each folded word.
  const names = { actor: nameIndex(actors.values()), place: nameIndex(places.values()) };

  return { sources, places, actors, events, agreements, eventsOf, agreementsOf, children, names };
}
