// Before timing, checks that the peer does the same work: posts the same document with the
// same variables to Diplograph and to the peer and requires the two answers' `data` and
// `errors` to be equal as JSON values (parsed, so key order and number spelling such as
// 1e6 / 1000000.0 do not matter), with data (errors such as AMBIGUOUS_NAME must be the same
// errors). The response's top-level `extensions` is left out:
// Diplograph reports its query cost there (`extensions.cost`), the peer has no cost model.
// Exits 1 naming the first difference.
//
//   node check.mjs DIPLOGRAPH_URL PEER_URL QUERY_FILE NAME...
//   node check.mjs DIPLOGRAPH_URL PEER_URL QUERY_FILE --every-actor
//
// Each NAME is posted as the variable `name` (the mission query's); --every-actor posts every
// name and alias of the first 100 actors Diplograph lists.

import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const [ours, peer, queryFile, ...names] = process.argv.slice(2);
if (!ours || !peer || !queryFile || names.length === 0) {
  console.error('usage: node check.mjs DIPLOGRAPH_URL PEER_URL QUERY_FILE NAME...');
  process.exit(2);
}
const mission = readFileSync(queryFile, 'utf8');

async function post(url, variables, query = mission) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The path to the first place `a` and `b` differ, with both values there. */
function difference(a, b, path = '$') {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = difference(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path}: Diplograph ${JSON.stringify(a)?.slice(0, 200)}, peer ${JSON.stringify(b)?.slice(0, 200)}`;
}

if (names.length === 1 && names[0] === '--every-actor') {
  const listed = await post(ours, {}, '{ actors(first: 100) { nodes { name aliases } } }');
  names.splice(0, 1, ...listed.data.actors.nodes.flatMap((a) => [a.name, ...a.aliases]));
}

let failed = false;
for (const name of names) {
  const variables = { name };
  const [a, b] = await Promise.all([post(ours, variables), post(peer, variables)]);
  const problem =
    !a.data
      ? `Diplograph answered without data: ${JSON.stringify(a.errors)}`
      : difference({ data: a.data, errors: a.errors }, { data: b.data, errors: b.errors });
  if (problem) {
    console.error(`check: ${name}: ${problem}`);
    failed = true;
  } else {
    const bytes = Buffer.byteLength(JSON.stringify(a));
    console.log(`check: ${name}: the same answer from both (${bytes} bytes as compact JSON)`);
  }
}
process.exit(failed ? 1 : 0);
