// An Apollo Server 5 peer of Diplograph for benches/peers.sh: the part of the contract in
// schema.graphql, resolved the way an Apollo user would write it (a resolver map over
// in-memory maps), over the CSV export of the same seed Diplograph serves. No response
// cache (Diplograph runs with --no-response-cache in the comparison), no DataLoader (every
// lookup is a Map.get).
//
//   node server.mjs CSV_DIR [PORT]      (default port 4000; POST /graphql)
//
// WORKERS=N runs N processes sharing the port (node:cluster, each with its own copy of the
// data), as one would to use N cores; default 1, one process on one core.

import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { fold, load } from './data.mjs';

const [dir, port = '4000'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node server.mjs CSV_DIR [PORT]');
  process.exit(2);
}
const workers = Number(process.env.WORKERS ?? 1);
if (workers > 1 && cluster.isPrimary) {
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', (m) => {
      if (m === 'ready' && ++ready === workers) console.log(`Apollo peer ready on port ${port} (${workers} workers)`);
    });
  }
  cluster.on('exit', (worker, code) => {
    console.error(`worker ${worker.process.pid} exited (${code})`);
    process.exit(1);
  });
} else {
  await serve();
}

async function serve() {
  const g = load(dir);
  const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

  const MAX_PAGE = 100;

  function coded(code, message, extensions = {}) {
    return new GraphQLError(message, { extensions: { code, ...extensions } });
  }

  function countArg(name, value, fallback, max) {
    if (value === undefined || value === null) return fallback;
    if (value < 0) throw coded('BAD_USER_INPUT', `\`${name}\` must not be negative (got ${value})`);
    if (value > max) {
      throw coded('LIMIT_EXCEEDED', `\`${name}\` is at most ${max} (got ${value}); page with cursors instead`);
    }
    return value;
  }

  /** The entity of `map` named `name`: an exact folded name or alias first, else the ones one
   *  of whose names holds every folded word; several: AMBIGUOUS_NAME; none: null. */
  function byName(ix, map, name) {
    const folded = fold(name);
    if (folded === '') return null;
    let hits = ix.exact.get(folded);
    if (!hits) {
      const words = folded.split(' ');
      const postings = words.map((w) => ix.words.get(w));
      if (postings.some((p) => !p)) return null;
      const shortest = postings.reduce((a, b) => (b.length < a.length ? b : a));
      hits = shortest.filter((id) => ix.folded.get(id).some((f) => words.every((w) => f.words.includes(w))));
    }
    if (hits.length === 0) return null;
    if (hits.length > 1) {
      const candidates = hits.map((id) => ({ id, name: map.get(id).name }));
      const listed = candidates.map((c) => `${c.name} (${c.id})`).join(', ');
      throw coded('AMBIGUOUS_NAME', `\`${name}\` fits several entities: ${listed}; use an id or a fuller name`, {
        candidates,
      });
    }
    return map.get(hits[0]);
  }

  function byIdOrName(kind, ix, map, { id, name }) {
    if ((id == null) === (name == null)) {
      throw coded('BAD_USER_INPUT', `give exactly one of \`id\` or \`name\` to look up a ${kind}`);
    }
    return id != null ? (map.get(id) ?? null) : byName(ix, map, name);
  }

  function eventKept(e, filter) {
    if (!filter) return true;
    const { kinds, status, from, to, topic } = filter;
    return (
      (!kinds || kinds.length === 0 || kinds.includes(e.kind)) &&
      (!status || e.status === status) &&
      (!from || e.when.end >= from) &&
      (!to || e.when.start <= to) &&
      (!topic || e.topics.includes(fold(topic)))
    );
  }

  const ids = (map, list) => list.map((id) => map.get(id)).filter(Boolean);

  const resolvers = {
    Date: new GraphQLScalarType({
      name: 'Date',
      serialize: (value) => value,
      parseValue: (value) => {
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
          throw coded('BAD_USER_INPUT', `\`${value}\` is not a date (YYYY-MM-DD)`);
        }
        return value;
      },
      parseLiteral: (ast) => {
        if (ast.kind !== Kind.STRING || !/^\d{4}-\d{2}-\d{2}$/.test(ast.value)) {
          throw coded('BAD_USER_INPUT', 'a date is a string YYYY-MM-DD');
        }
        return ast.value;
      },
    }),
    Query: {
      actor: (_, args) => byIdOrName('actor', g.names.actor, g.actors, args),
      event: (_, { id }) => g.events.get(id) ?? null,
      place: (_, args) => byIdOrName('place', g.names.place, g.places, args),
      agreement: (_, { id }) => g.agreements.get(id) ?? null,
    },
    Actor: {
      events: (actor, { filter, orderBy, first }) => {
        const n = countArg('first', first, 20, MAX_PAGE);
        let list = ids(g.events, g.eventsOf.get(actor.id) ?? []).filter((e) => eventKept(e, filter));
        if (orderBy === 'DATE_DESC') list = list.reverse();
        return { nodes: list.slice(0, n), totalCount: list.length };
      },
      sources: (actor) => ids(g.sources, actor.sources),
    },
    Event: {
      place: (e) => (e.place ? g.places.get(e.place) : null),
      participants: (e) => e.participants,
      agreements: (e) => ids(g.agreements, g.agreementsOf.get(e.id) ?? []),
      partOf: (e) => (e.partOf ? g.events.get(e.partOf) : null),
      parts: (e) => ids(g.events, g.children.get(e.id) ?? []),
      sources: (e) => ids(g.sources, e.sources),
    },
    Participation: {
      actor: (p) => g.actors.get(p.actor),
      sources: (p) => ids(g.sources, p.sources),
    },
    Place: {
      containedIn: (p) => (p.within ? g.places.get(p.within) : null),
      contains: (p) => ids(g.places, g.children.get(p.id) ?? []),
      sources: (p) => ids(g.sources, p.sources),
    },
    Agreement: {
      parties: (a) => ids(g.actors, a.parties),
      signatories: (a) => ids(g.actors, a.signatories),
      event: (a) => (a.event ? g.events.get(a.event) : null),
      // Undated agreements take their event's date, as Diplograph's.
      when: (a) => a.when ?? (a.event ? g.events.get(a.event).when : null),
      sources: (a) => ids(g.sources, a.sources),
    },
  };

  const server = new ApolloServer({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(port) } });
  if (cluster.isWorker) process.send('ready');
  else console.log(`Apollo peer ready at ${url} (${g.events.size} events, ${g.actors.size} actors)`);
}
