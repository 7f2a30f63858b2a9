// Audits a running server against the GraphQL-over-HTTP specification with graphql-http.
//
// Usage: node audit.mjs BASE_URL        (e.g. http://127.0.0.1:8080)
//
// Prints one line per audit (requirement, status, name, and the reason when not ok), then
// `N passed, M failed` counting the MUST and SHOULD audits. Exits 1 when any MUST or SHOULD
// audit is not ok; a MAY audit may warn without failing the run.
import { auditServer } from 'graphql-http';

const base = process.argv[2];
if (!base) {
  console.error('usage: node audit.mjs BASE_URL');
  process.exit(2);
}
const url = new URL('/graphql', base).href;

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  console.error(`audit of ${url} could not run: ${err && err.stack ? err.stack : err}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let passed = 0;
let failed = 0;
for (const result of results) {
  const level = result.name.split(' ', 1)[0];
  const counted = level === 'MUST' || level === 'SHOULD';
  if (counted) {
    if (result.status === 'ok') passed += 1;
    else failed += 1;
  }
  console.log(`${level.padEnd(6)} ${result.status.padEnd(6)} ${result.name}`);
  if (result.status !== 'ok') {
    console.log(`         ${result.status === 'notice' || !counted ? 'note' : 'why'}: ${result.reason}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
