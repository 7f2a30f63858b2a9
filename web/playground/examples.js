// The examples the playground offers: the shared client queries of `queries/` (each also
// checked against the bundled seed by tests/it/queries.rs), with their variables written
// out so that a newcomer sees what to edit.
import MISSION_QUERY from '../../queries/meetings-with-agreements.graphql';
import PLACE_QUERY from '../../queries/meetings-at-place.graphql';
import PATH_QUERY from '../../queries/path.graphql';
import DASHBOARD_QUERY from '../../queries/dashboard.graphql';

/** Variables as the editor shows them: indented JSON. */
const json = (value) => JSON.stringify(value, null, 2);

/** The query a first-time visitor sees: every meeting of one actor, with its outcomes. */
export const MISSION = {
  name: 'Meetings of an actor',
  query: MISSION_QUERY,
  variables: json({ name: 'Lopez Obrador' }),
};

/** Every example, in the order the Examples menu lists them. */
export const EXAMPLES = [
  MISSION,
  {
    name: 'Meetings at a place in a month',
    query: PLACE_QUERY,
    variables: json({ place: 'Mexico City', from: '2021-06-01', to: '2021-06-30' }),
  },
  {
    name: 'Path between two actors',
    query: PATH_QUERY,
    variables: json({ from: 'actor:alejandro-giammattei', to: 'actor:andres-manuel-lopez-obrador' }),
  },
  {
    name: 'Dashboard of facets',
    query: DASHBOARD_QUERY,
    variables: json({ kinds: ['MEETING'] }),
  },
];

/**
 * The address that opens `query` (and `variables`, when not blank) in the playground:
 * `/?query=...&variables=...`, as the Share button, the examples and the graph explorer's
 * "Open in playground" link write it.
 */
export function playgroundHref(query, variables) {
  const params = new URLSearchParams({ query });
  if (variables && variables.trim()) params.set('variables', variables);
  return `/?${params.toString()}`;
}

/**
 * The query handed over in the current address, as `{ query, variables }`, or null when
 * the address holds none.
 */
export function linkedQuery() {
  const params = new URLSearchParams(window.location.search);
  const query = params.get('query');
  if (!query || !query.trim()) return null;
  return { query, variables: params.get('variables') || '' };
}
