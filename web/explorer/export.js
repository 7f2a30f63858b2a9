// Exports of what is drawn: a PNG of the drawing, the drawn subgraph as JSON and GraphML, the
// timeline as CSV, and the GraphQL that asks the API for the drawing. Only what is visible
// counts: nodes and links hidden by a filter are left out.
import { NEIGHBORHOOD_QUERY, PLACE_EVENTS_FIRST, PLACE_EVENTS_QUERY, typeOfId } from './api.js';

/** The visible nodes and links of the drawing as plain data. */
export function subgraph(cy) {
  const nodes = cy
    .nodes()
    .not('.hidden')
    .map((n) => ({ id: n.id(), type: n.data('type'), label: n.data('label'), entity: n.data('entity') }));
  const links = cy
    .edges()
    .not('.hidden')
    .map((e) => ({ from: e.data('source'), to: e.data('target'), kind: e.data('kind') }));
  return { nodes, links };
}

/** The drawn subgraph as JSON text. */
export function toJson(cy) {
  return `${JSON.stringify(subgraph(cy), null, 2)}\n`;
}

/** Text made safe inside an XML element or attribute. */
function xml(text) {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The drawn subgraph as GraphML (directed; a node's type and label, a link's kind). */
export function toGraphml(cy) {
  const { nodes, links } = subgraph(cy);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="type" for="node" attr.name="type" attr.type="string"/>',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="kind" for="edge" attr.name="kind" attr.type="string"/>',
    '  <graph id="diplograph" edgedefault="directed">',
  ];
  for (const n of nodes) {
    lines.push(
      `    <node id="${xml(n.id)}"><data key="type">${xml(n.type)}</data><data key="label">${xml(n.label)}</data></node>`,
    );
  }
  links.forEach((l, i) => {
    lines.push(`    <edge id="e${i}" source="${xml(l.from)}" target="${xml(l.to)}"><data key="kind">${xml(l.kind)}</data></edge>`);
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

/** One CSV field, quoted when it must be. */
function csv(value) {
  const s = String(value ?? '');
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The timeline's events (node data, in date order) as CSV. */
export function timelineCsv(events) {
  const rows = [['id', 'title', 'kind', 'start', 'end', 'precision', 'when']];
  for (const ev of events) {
    const e = ev.entity || {};
    const when = ev.when || {};
    rows.push([ev.id, ev.label, e.kind, when.start, when.end, when.precision, when.text]);
  }
  return `${rows.map((r) => r.map(csv).join(',')).join('\r\n')}\r\n`;
}

/**
 * The GraphQL that asks the API for what is drawn: one `neighborhood` per step that drew
 * something (the entity at the centre, then each expansion), the events at a place and at
 * the places inside it for each step that drew a place (drawn with it: see
 * PLACE_EVENTS_QUERY), and the chain when there is one. `view` is the address's view
 * (address.js).
 */
export function drawingQuery(view) {
  if (!view.focus) return '';
  const selection = NEIGHBORHOOD_QUERY.slice(NEIGHBORHOOD_QUERY.indexOf('{', NEIGHBORHOOD_QUERY.indexOf('neighborhood(')));
  const fields = selection.slice(0, selection.lastIndexOf('}')).trim();
  const body = [`  focus: neighborhood(id: ${JSON.stringify(view.focus)}, depth: ${view.depth}, limit: 120) { ...Drawn }`];
  view.expand.forEach((id, i) => body.push(`  expand${i + 1}: neighborhood(id: ${JSON.stringify(id)}, depth: 1, limit: 120) { ...Drawn }`));
  const places = [view.focus, ...view.expand].filter((id) => typeOfId(id) === 'Place');
  places.forEach((id, i) => body.push(`  placeEvents${i + 1}: node(id: ${JSON.stringify(id)}) { ...PlaceEvents }`));
  if (view.path) {
    body.push(
      `  path(from: ${JSON.stringify(view.path.from)}, to: ${JSON.stringify(view.path.to)}) { hops steps { link forward node { __typename id } } }`,
    );
  }
  const fragments = [`fragment Drawn on Subgraph ${fields.replace(/\n {4}/g, '\n  ').replace(/\n\s*}$/, '\n}')}`];
  if (places.length) fragments.push(placeEventsFragment());
  return `query Drawing {\n${body.join('\n')}\n}\n\n${fragments.join('\n\n')}\n`;
}

/** PLACE_EVENTS_QUERY's selection of a node as a fragment, its `$first` written out. */
function placeEventsFragment() {
  const start = PLACE_EVENTS_QUERY.indexOf('{', PLACE_EVENTS_QUERY.indexOf('node('));
  const selection = PLACE_EVENTS_QUERY.slice(start, PLACE_EVENTS_QUERY.lastIndexOf('}')).trim();
  const text = selection.replace('$first', String(PLACE_EVENTS_FIRST)).replace(/\n {4}/g, '\n  ').replace(/\n\s*}$/, '\n}');
  return `fragment PlaceEvents on Node ${text}`;
}

/** Saves `data` (a Blob or text) as a file named `name`, as the browser downloads files. */
export function download(data, name, type = 'text/plain') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
