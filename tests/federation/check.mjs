// Diplograph as an Apollo Federation 2 subgraph, checked from outside (run by .ci/run):
//   node tests/federation/check.mjs http://127.0.0.1:8000
//
// 1. reads Diplograph's subgraph SDL (`_service { sdl }`) from the running server;
// 2. starts a small second subgraph on loopback, "desks": it adds `Actor.desk` (the newsroom
//    desk that follows an actor) by the actor's id, and lists the actors it follows;
// 3. composes the two with @apollo/composition: no errors, and no hints at all;
// 4. runs @apollo/gateway over both on loopback and asks it
//    - the mission query (queries/meetings-with-agreements.graphql) plus `desk`: the answer
//      must be Diplograph's own answer to the mission query plus the desk;
//    - the desks' list of actors with Diplograph's fields: the gateway fetches those through
//      Diplograph's `_entities`, and the answer must be Diplograph's own `nodes(ids:)` answer
//      plus the desk.
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node check.mjs http://HOST:PORT');
  process.exit(2);
}
const diplograph = `${base.replace(/\/$/, '')}/graphql`;

/** POSTs a GraphQL request to `url`; the parsed answer. */
async function post(url, query, variables = {}) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, `${url}: status ${r.status}: ${JSON.stringify(body)}`);
  assert.equal(body.errors, undefined, `${url}: errors: ${JSON.stringify(body.errors)}`);
  return body;
}

// The second subgraph: which newsroom desk follows an actor (deterministic, for the check).
const DESKS = {
  'actor:andres-manuel-lopez-obrador': 'Mexico desk',
  'actor:kamala-harris': 'Washington desk',
  'actor:alejandro-giammattei': 'Central America desk',
};
const deskOf = (id) => DESKS[id] ?? 'Americas desk';
const desksSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  type Query {
    "The actors a desk follows, in the order they were added."
    followed: [Actor!]!
  }

  type Actor @key(fields: "id") {
    id: ID!
    "The newsroom desk that follows this actor."
    desk: String!
  }
`;
let representationsSeen = 0;
const desksSchema = buildSubgraphSchema({
  typeDefs: parse(desksSdl),
  resolvers: {
    Query: { followed: () => Object.keys(DESKS).map((id) => ({ id })) },
    Actor: {
      __resolveReference: (ref) => {
        representationsSeen += 1;
        return { id: ref.id };
      },
      desk: (actor) => deskOf(actor.id),
    },
  },
});

const servers = [];
async function serve(options) {
  const server = new ApolloServer(options);
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  servers.push(server);
  return url;
}

try {
  // 1. Diplograph's subgraph SDL.
  const sdl = (await post(diplograph, '{ _service { sdl } }')).data._service.sdl;
  assert.match(sdl, /@link\(\s*url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/, 'federation 2 link');
  assert.match(sdl, /type Actor implements Node @key\(fields: "id"\)/, 'Actor is an entity');

  // 2. The desks subgraph.
  const desksUrl = await serve({ schema: desksSchema, plugins: [ApolloServerPluginInlineTraceDisabled()] });

  // 3. Composition.
  const composed = composeServices([
    { name: 'diplograph', typeDefs: parse(sdl), url: diplograph },
    { name: 'desks', typeDefs: parse(desksSdl), url: desksUrl },
  ]);
  const errors = composed.errors ?? [];
  assert.equal(errors.length, 0, `composition errors:\n${errors.map((e) => e.message).join('\n')}`);
  const hints = composed.hints ?? [];
  assert.equal(hints.length, 0, `composition hints:\n${hints.map((h) => `${h.definition.code}: ${h.message}`).join('\n')}`);
  console.log('composed: no errors, no hints');

  // 4. The gateway over both.
  const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error };
  const gateway = new ApolloGateway({ supergraphSdl: composed.supergraphSdl, logger: quiet });
  const gatewayUrl = await serve({ gateway, logger: quiet });

  // The mission query plus the desk, through the gateway; the same without it, from Diplograph.
  const mission = readFileSync(new URL('../../queries/meetings-with-agreements.graphql', import.meta.url), 'utf8');
  const withDesk = mission.replace(/^(\s+)id\n\s+name\n/m, (m, indent) => `${m}${indent}desk\n`);
  assert.notEqual(withDesk, mission, 'the mission query asks `id` and `name` of the actor');
  const ours = (await post(diplograph, mission)).data;
  const through = (await post(gatewayUrl, withDesk)).data;
  assert.ok(ours.actor && ours.actor.events.totalCount > 0, `the mission query finds meetings: ${JSON.stringify(ours)}`);
  const expected = structuredClone(ours);
  expected.actor.desk = deskOf(ours.actor.id);
  assert.deepEqual(through, expected, 'the gateway answers the mission query as Diplograph does, plus the desk');
  console.log(`mission query through the gateway: Diplograph's answer plus desk "${through.actor.desk}"`);

  // The desks' actors, with Diplograph's fields fetched through its `_entities` (one batch).
  const selection = 'id name kind events(first: 3) { totalCount nodes { id title } }';
  const followed = (await post(gatewayUrl, `{ followed { ${selection} desk } }`)).data.followed;
  const byId = (await post(diplograph, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Actor { ${selection} } } }`, {
    ids: Object.keys(DESKS),
  })).data.nodes;
  assert.deepEqual(
    followed,
    byId.map((actor) => ({ ...actor, desk: deskOf(actor.id) })),
    "the gateway resolves the desks' actors through Diplograph's _entities",
  );
  console.log(`${followed.length} actors of the desks subgraph resolved through Diplograph's _entities`);
  assert.ok(representationsSeen > 0, 'the desks subgraph was asked for its field by reference');
  console.log('federation check passed');
} finally {
  for (const s of servers.reverse()) await s.stop();
}
