// The drawing: a cytoscape.js instance, its style, and how neighbourhoods are merged into it.
//
// The React side never reads cytoscape's internals: it calls these functions and listens to
// the events `createGraph` forwards. Sources and CITES links are kept in the graph but hidden
// unless asked for (every entity cites a report, which would crowd the drawing).
import cytoscape from 'cytoscape';
import { KINDS, clip, labelOf, words } from './kinds.js';

/**
 * Loads the force-directed layout (cytoscape-fcose and the two packages under it, a chunk of
 * their own: web/build.mjs splits the explorer) and registers it, once. `createGraph` starts
 * it, so it arrives while the user types a search, after the page is usable.
 */
let fcoseLoading = null;
export function loadLayout() {
  if (!fcoseLoading) {
    fcoseLoading = import('./fcose.js').then((m) => cytoscape.use(m.default));
    fcoseLoading.catch(() => {
      fcoseLoading = null;
    });
  }
  return fcoseLoading;
}

/** Whether the reader asked the system for less motion. */
const REDUCED_MOTION =
  typeof window !== 'undefined' && window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/** The cytoscape stylesheet: shape and colour by kind, edge labels by link kind. */
function style() {
  const rules = [
    {
      selector: 'node',
      style: {
        // A whole with its parts folded into it says how many.
        label: (n) => (n.data('folded') ? `${n.data('short')}\n(+${n.data('folded')} parts)` : n.data('short')),
        'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
        'font-size': 12,
        color: '#1f2933',
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': 4,
        'text-wrap': 'wrap',
        'text-max-width': 160,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
        'text-background-padding': 2,
        'text-background-shape': 'round-rectangle',
        'border-width': 2,
        'border-color': '#ffffff',
        'min-zoomed-font-size': 7,
      },
    },
    {
      selector: 'node.expanded',
      style: { 'border-color': '#1f2933', 'border-width': 2 },
    },
    {
      selector: 'node.centre',
      // The node drawn at the centre is drawn, and labelled, above all others.
      style: {
        'border-width': 4,
        'border-color': '#1f2933',
        'font-weight': 600,
        'font-size': 13,
        'z-index-compare': 'manual',
        'z-index': 90,
        'text-background-opacity': 1,
      },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': '#9aa5b1',
        'target-arrow-color': '#9aa5b1',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': 10,
        color: '#52606d',
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.9,
        'text-background-padding': 1,
        'min-zoomed-font-size': 8,
      },
    },
    { selector: 'edge[kind = "CITES"]', style: { 'line-style': 'dotted', width: 1 } },
    // A busy drawing names only the links of the node selected or pointed at.
    { selector: 'edge.quiet', style: { 'text-opacity': 0 } },
    { selector: 'edge.near', style: { 'line-color': '#52606d', 'target-arrow-color': '#52606d', width: 2 } },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.25 } },
    {
      selector: 'node:selected',
      style: {
        'underlay-color': '#0b57d0',
        'underlay-opacity': 0.25,
        'underlay-padding': 7,
        'underlay-shape': 'ellipse',
        'border-color': '#0b57d0',
        'border-width': 4,
      },
    },
    {
      selector: 'node.hl',
      style: {
        'underlay-color': '#f59e0b',
        'underlay-opacity': 0.6,
        'underlay-padding': 10,
        'underlay-shape': 'ellipse',
        'z-index': 20,
      },
    },
    // The chain a "connect to" drew: thick amber links, ringed nodes, labels always shown.
    {
      selector: 'edge.path',
      style: { width: 4, 'line-color': '#d97706', 'target-arrow-color': '#d97706', 'text-opacity': 1, 'z-index': 30, color: '#92400e' },
    },
    {
      selector: 'node.path',
      style: { 'underlay-color': '#d97706', 'underlay-opacity': 0.35, 'underlay-padding': 8, 'underlay-shape': 'ellipse', 'z-index': 30 },
    },
    // Cytoscape draws a grey box on a node while it is pressed: the selection ring is enough.
    { selector: 'node:active', style: { 'overlay-opacity': 0 } },
    { selector: 'edge:selected', style: { 'line-color': '#0b57d0', 'target-arrow-color': '#0b57d0' } },
  ];
  for (const [type, k] of Object.entries(KINDS)) {
    rules.splice(1, 0, {
      selector: `node[type = "${type}"]`,
      style: { 'background-color': k.color, shape: k.shape, width: k.size, height: k.size },
    });
  }
  return rules;
}

/**
 * Creates the drawing in `container`. `on` receives the reader's gestures:
 * `tap(id)` for a click or tap on a node, `dbltap(id)` for a double click.
 */
export function createGraph(container, on) {
  const cy = cytoscape({
    container,
    style: style(),
    minZoom: 0.2,
    maxZoom: 3,
    boxSelectionEnabled: false,
    selectionType: 'single',
  });
  // The layout's chunk, fetched now (a failure is met again, and reported, at the first layout).
  loadLayout().catch(() => {});
  cy.on('tap', 'node', (e) => on.tap(e.target.id()));
  cy.on('dbltap', 'node', (e) => on.dbltap(e.target.id()));
  cy.on('mouseover', 'node', (e) => {
    e.target.addClass('hover');
    updateEdgeLabels(cy);
  });
  cy.on('mouseout', 'node', (e) => {
    e.target.removeClass('hover');
    updateEdgeLabels(cy);
  });
  cy.on('select unselect', 'node', () => updateEdgeLabels(cy));
  let zoomed = cy.zoom() < EDGE_LABEL_ZOOM;
  cy.on('zoom', () => {
    const now = cy.zoom() < EDGE_LABEL_ZOOM;
    if (now !== zoomed) {
      zoomed = now;
      updateEdgeLabels(cy);
    }
  });
  return cy;
}

/** Above this many visible links, only those of the selected or pointed node are labelled. */
const EDGE_LABEL_LIMIT = 24;

/** Below this zoom, only the links of the selected or pointed node are named. */
const EDGE_LABEL_ZOOM = 0.9;

/**
 * Names the links worth naming: all of them in a small drawing seen close enough, else only
 * those near the reader's node (and a drawn chain's, see the `path` style).
 */
export function updateEdgeLabels(cy) {
  const edges = cy.edges().not('.hidden');
  const near = cy.nodes(':selected, .hl, .hover').connectedEdges();
  const busy = edges.length > EDGE_LABEL_LIMIT || cy.zoom() < EDGE_LABEL_ZOOM;
  cy.batch(() => {
    edges.removeClass('quiet near');
    near.addClass('near');
    if (busy) edges.difference(near).addClass('quiet');
  });
}

/** The data cytoscape keeps for one node of a `neighborhood` answer. */
function nodeData(node) {
  const label = labelOf(node);
  const max = node.__typename === 'Statement' ? 64 : 48;
  return {
    id: node.id,
    type: node.__typename,
    label,
    short: clip(label, max),
    when: node.when || null,
    entity: node,
  };
}

/**
 * Adds a neighbourhood to the drawing; nodes and links already drawn are kept as they are.
 * New nodes start where `around` is drawn, so the layout grows them out of it.
 * Returns the number of nodes added.
 */
export function merge(cy, subgraph, around, view) {
  // Grow from `around` when it is drawn, else from the first node of the neighbourhood that is.
  const anchor = [around, ...subgraph.nodes.map((n) => n.id)].find((id) => id && cy.getElementById(id).nonempty());
  const origin = anchor ? { ...cy.getElementById(anchor).position() } : null;
  const fresh = subgraph.nodes.filter((n) => cy.getElementById(n.id).empty());
  // New nodes start on a half circle around the node they grow from, facing away from the
  // rest of the drawing, so the layout has little to undo.
  let away = 0;
  if (origin && cy.nodes().length > 1) {
    const c = cy.nodes().boundingBox();
    away = Math.atan2(origin.y - (c.y1 + c.h / 2), origin.x - (c.x1 + c.w / 2));
  }
  let added = 0;
  cy.batch(() => {
    fresh.forEach((node, i) => {
      const angle = away - Math.PI / 2 + (Math.PI * (i + 0.5)) / fresh.length;
      cy.add({
        group: 'nodes',
        data: nodeData(node),
        position: origin
          ? { x: origin.x + 110 * Math.cos(angle), y: origin.y + 110 * Math.sin(angle) }
          : { x: Math.random() * 400, y: Math.random() * 300 },
      });
      added += 1;
    });
    for (const link of subgraph.links) {
      const id = `${link.from}|${link.kind}|${link.to}`;
      if (cy.getElementById(id).nonempty()) continue;
      if (cy.getElementById(link.from).empty() || cy.getElementById(link.to).empty()) continue;
      cy.add({
        group: 'edges',
        data: { id, source: link.from, target: link.to, kind: link.kind, label: words(link.kind) },
      });
    }
  });
  applyView(cy, view);
  return added;
}

/**
 * Makes the drawing hold exactly `subgraph` ({ nodes, links }, everything the view's steps
 * draw, asked again after a change), keeping what stays where it is: gone nodes and links
 * are removed, the others' data (labels, dates) updated, new ones added around `around`
 * (as `merge` does). Returns how many nodes were added and removed.
 */
export function syncDrawing(cy, subgraph, around, view) {
  const keepNodes = new Set(subgraph.nodes.map((n) => n.id));
  const keepLinks = new Set(subgraph.links.map((l) => `${l.from}|${l.kind}|${l.to}`));
  let removed = 0;
  cy.batch(() => {
    cy.edges()
      .filter((e) => !keepLinks.has(e.id()))
      .remove();
    cy.nodes()
      .filter((n) => !keepNodes.has(n.id()))
      .forEach((n) => {
        n.remove();
        removed += 1;
      });
    for (const node of subgraph.nodes) {
      const drawn = cy.getElementById(node.id);
      // An id is fixed for the element's life: only the rest is set.
      const { id, ...data } = nodeData(node);
      if (drawn.nonempty()) drawn.data(data);
    }
  });
  const added = merge(cy, subgraph, around, view);
  return { added, removed };
}

/**
 * The events of a place's `events` connection (those at the place and at places inside it)
 * as a neighbourhood to merge: each event, the place it is held at, and the links between
 * them (HELD_AT, and CONTAINED_IN from that place to the one it lies in).
 */
export function placeEventsSubgraph(events) {
  const nodes = [];
  const links = [];
  const seen = new Set();
  for (const ev of events.nodes) {
    const { place, ...event } = ev;
    nodes.push(event);
    if (!place) continue;
    links.push({ from: ev.id, to: place.id, kind: 'HELD_AT' });
    if (seen.has(place.id)) continue;
    seen.add(place.id);
    const { containedIn, ...venue } = place;
    nodes.push(venue);
    if (containedIn) links.push({ from: place.id, to: containedIn.id, kind: 'CONTAINED_IN' });
  }
  return { nodes, links, truncated: events.totalCount > events.nodes.length };
}

/** The types whose entity is itself a fact that a link states (an event, an agreement, a statement). */
const FACTS = ['Event', 'Agreement', 'Statement'];

/**
 * A `path` answer as the links of its chain, in order: for each, the two entities as the path
 * walks them, its kind, its stored direction and the reports it rests on (a participation's own
 * sources, else those of the fact the link belongs to: the event, agreement or statement at
 * either end, or the entity it starts from).
 */
export function pathLinks(path) {
  const out = [];
  for (let i = 0; i + 1 < path.steps.length; i += 1) {
    const here = path.steps[i];
    const next = path.steps[i + 1].node;
    const a = here.node;
    const from = here.forward ? a : next;
    const to = here.forward ? next : a;
    let sources = null;
    if (here.link === 'PARTICIPATED_IN' && to.participants) {
      const p = to.participants.find((x) => x.actor.id === from.id);
      sources = p ? p.sources : null;
    }
    if (!sources) {
      const fact = FACTS.includes(from.__typename) ? from : FACTS.includes(to.__typename) ? to : from;
      sources = fact.sources || [];
    }
    out.push({ a, b: next, from: from.id, to: to.id, kind: here.link, id: `${from.id}|${here.link}|${to.id}`, sources });
  }
  return out;
}

/**
 * Adds a path's entities and links to the drawing and marks them as the chain (class `path`);
 * an earlier chain loses its mark. Returns the number of nodes added.
 */
export function mergePath(cy, path, view) {
  const links = pathLinks(path);
  const nodes = path.steps.map((s) => s.node);
  const around = nodes.find((n) => cy.getElementById(n.id).nonempty());
  const added = merge(
    cy,
    { nodes, links: links.map((l) => ({ from: l.from, to: l.to, kind: l.kind })) },
    around ? around.id : null,
    view,
  );
  cy.batch(() => {
    cy.elements('.path').removeClass('path');
    for (const n of nodes) cy.getElementById(n.id).removeClass('hidden').addClass('path');
    for (const l of links) cy.getElementById(l.id).removeClass('hidden').addClass('path');
  });
  applyView(cy, view);
  return added;
}

/**
 * What the reader chose to see: `showSources`, `hiddenKinds` (GraphQL type names switched off
 * in the legend), `eventKind` (only events of this kind, or null), `range` ({ from, to } months
 * "YYYY-MM", either may be null: what falls outside is dimmed), `known` (a Set of the ids of
 * the events, agreements and statements the reports had told by the "known by" day, or null)
 * and `foldParts` (events drawn with the event they are part of are folded into it).
 */
export const ALL_VISIBLE = { showSources: false, hiddenKinds: [], eventKind: null, range: null, known: null, foldParts: false };

/** The kinds of entity whose facts have a knowledge time (the `knownBy` filters). */
const DATED_FACTS = ['Event', 'Agreement', 'Statement'];

/** The first and last month ("YYYY-MM") of a node's time span, or null when it has none. */
export function monthsOf(data) {
  const when = data.when || (data.entity && data.entity.when);
  if (!when) return null;
  const first = (when.start || when.text || '').slice(0, 7);
  const last = (when.end || (when.text || '').split('/').pop() || first).slice(0, 7);
  if (!/^\d{4}(-\d{2})?$/.test(first)) return null;
  // A year alone spans its twelve months.
  return { first: first.length === 4 ? `${first}-01` : first, last: last.length === 4 ? `${last}-12` : last };
}

/** Whether a node falls outside the month range `range` (never when it has no date). */
export function outside(data, range) {
  if (!range || (!range.from && !range.to)) return false;
  const m = monthsOf(data);
  if (!m) return false;
  return Boolean((range.from && m.last < range.from) || (range.to && m.first > range.to));
}

/** Whether the node is switched off by `view` (see ALL_VISIBLE). */
function switchedOff(node, view) {
  const type = node.data('type');
  if (type === 'Source' && !view.showSources) return true;
  if (view.hiddenKinds.includes(type)) return true;
  if (type === 'Event' && view.eventKind && node.data('entity').kind !== view.eventKind) return true;
  if (view.known && DATED_FACTS.includes(type) && !view.known.has(node.id())) return true;
  return false;
}

/**
 * Shows what `view` lets through (class `hidden` on the rest, and on links with a hidden end
 * or CITES links when sources are off) and dims what falls outside its date range (`faded`).
 * Nodes of a drawn chain stay visible.
 */
export function applyView(cy, view) {
  cy.batch(() => {
    cy.nodes().forEach((n) => {
      const off = switchedOff(n, view) && !n.hasClass('path');
      n.toggleClass('hidden', off);
      n.toggleClass('faded', !off && outside(n.data(), view.range));
      n.data('folded', 0);
    });
    if (view.foldParts) {
      // A part is folded into the whole it belongs to when that whole is shown; the node drawn
      // at the centre, the selected one and a chain's nodes are never folded.
      cy.edges('[kind = "PART_OF"]').forEach((e) => {
        const part = e.source();
        const whole = e.target();
        if (whole.hasClass('hidden') || part.hasClass('hidden')) return;
        if (part.hasClass('centre') || part.selected() || part.hasClass('path')) return;
        if (part.outgoers('edge[kind = "PART_OF"]').length > 1 || part.incomers('edge[kind = "PART_OF"]').nonempty()) return;
        part.addClass('hidden');
        whole.data('folded', whole.data('folded') + 1);
      });
    }
    cy.edges().forEach((e) => {
      const off =
        (e.data('kind') === 'CITES' && !view.showSources) || e.source().hasClass('hidden') || e.target().hasClass('hidden');
      e.toggleClass('hidden', off);
      e.toggleClass('faded', !off && (e.source().hasClass('faded') || e.target().hasClass('faded')));
    });
  });
  updateEdgeLabels(cy);
}

/** The smallest zoom a fit may choose: below it labels are too small to read. */
const READABLE_ZOOM = 0.75;
/** The largest zoom a fit may choose: a handful of nodes should not fill the screen. */
const FIT_MAX_ZOOM = 1.15;
/** Room kept free around the drawing, in rendered pixels (the status line is bottom right). */
const MARGIN = { top: 24, right: 30, bottom: 34, left: 30 };

/**
 * The viewport that shows the whole visible drawing, unless its labels would be too small
 * to read: then the viewport at a readable zoom that shows as much of the drawing as it can
 * while keeping `centreId` in view (the reader pans for the rest).
 */
function readableView(cy, centreId) {
  const visible = cy.nodes().not('.hidden');
  const bb = visible.boundingBox({ includeLabels: true, includeOverlays: false });
  const w = cy.width() - MARGIN.left - MARGIN.right;
  const h = cy.height() - MARGIN.top - MARGIN.bottom;
  let zoom = Math.min(FIT_MAX_ZOOM, w / Math.max(bb.w, 1), h / Math.max(bb.h, 1));
  let centre = { x: bb.x1 + bb.w / 2, y: bb.y1 + bb.h / 2 };
  if (zoom < READABLE_ZOOM) {
    zoom = READABLE_ZOOM;
    const node = centreId ? cy.getElementById(centreId) : null;
    if (node && node.nonempty() && !node.hasClass('hidden')) {
      // Move the middle of the drawing towards the node until the node is well inside.
      const p = node.position();
      const keep = 90; // rendered pixels between the node and the edge of the view
      const hw = Math.max(0, w / 2 - keep) / zoom;
      const hh = Math.max(0, h / 2 - keep) / zoom;
      centre = {
        x: Math.min(Math.max(centre.x, p.x - hw), p.x + hw),
        y: Math.min(Math.max(centre.y, p.y - hh), p.y + hh),
      };
    }
  }
  return {
    zoom,
    pan: { x: MARGIN.left + w / 2 - centre.x * zoom, y: MARGIN.top + h / 2 - centre.y * zoom },
  };
}

/** Moves the viewport to show the drawing (see `readableView`), gently unless `now`. */
export function fitReadable(cy, centreId, now = false) {
  const view = readableView(cy, centreId);
  if (now || REDUCED_MOTION) {
    cy.viewport(view);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    cy.animate({ zoom: view.zoom, pan: view.pan }, { duration: 250, complete: resolve });
  });
}

/**
 * Lays out the visible drawing (force-directed: fcose, the maintained successor of
 * cytoscape's own `cose`), keeping the current positions as the starting point unless `fresh`, then shows it with
 * `fitReadable` around `centreId`. Resolves when everything has stopped moving.
 */
export async function layout(cy, { fresh = false, centreId = null } = {}) {
  await loadLayout();
  const visible = cy.elements().not('.hidden');
  return new Promise((resolve) => {
    if (visible.nodes().empty()) {
      resolve();
      return;
    }
    const run = visible.layout({
      name: 'fcose',
      quality: 'proof',
      randomize: fresh,
      animate: REDUCED_MOTION || fresh ? false : 'end',
      animationDuration: 350,
      fit: false,
      padding: 30,
      nodeDimensionsIncludeLabels: true,
      packComponents: true,
      idealEdgeLength: () => 70,
      nodeRepulsion: () => 6000,
      edgeElasticity: () => 0.45,
      nodeSeparation: 60,
      gravity: 0.3,
      numIter: 2500,
      initialEnergyOnIncremental: 0.4,
    });
    run.one('layoutstop', () => {
      spreadLabels(cy, centreId);
      fitReadable(cy, centreId, fresh).then(resolve);
    });
    run.run();
  });
}

/** Room kept between two nodes' boxes (node and label) once spread, in model pixels. */
const LABEL_GAP = 6;
/** Most passes `spreadLabels` makes over the drawing. */
const SPREAD_PASSES = 80;

/**
 * Moves nodes apart until no two boxes overlap, a box being a node with its label: the
 * force-directed layout keeps nodes apart but not their labels, and a hub's labels pile up.
 * Each overlapping pair is pushed apart along the axis where they overlap least; the node
 * `pinnedId` (the one drawn at the centre) does not move, so its label stays where it was.
 */
export function spreadLabels(cy, pinnedId) {
  const nodes = cy.nodes().not('.hidden').toArray();
  if (nodes.length < 2) return;
  const items = nodes.map((n) => {
    const p = n.position();
    const bb = n.boundingBox({ includeLabels: true, includeOverlays: false, includeEdges: false });
    return {
      node: n,
      x: p.x,
      y: p.y,
      left: p.x - bb.x1,
      right: bb.x2 - p.x,
      top: p.y - bb.y1,
      bottom: bb.y2 - p.y,
      pinned: n.id() === pinnedId,
    };
  });
  for (let pass = 0; pass < SPREAD_PASSES; pass += 1) {
    let moved = false;
    for (let i = 0; i < items.length; i += 1) {
      for (let j = i + 1; j < items.length; j += 1) {
        const a = items[i];
        const b = items[j];
        const ox = Math.min(a.x + a.right, b.x + b.right) - Math.max(a.x - a.left, b.x - b.left) + LABEL_GAP;
        const oy = Math.min(a.y + a.bottom, b.y + b.bottom) - Math.max(a.y - a.top, b.y - b.top) + LABEL_GAP;
        if (ox <= 0 || oy <= 0) continue;
        if (a.pinned && b.pinned) continue;
        moved = true;
        // Labels are wide and short: moving up or down is usually the smaller step.
        const vertical = oy <= ox;
        const d = vertical ? oy : ox;
        const sign = vertical ? Math.sign(b.y - a.y || j - i) : Math.sign(b.x - a.x || j - i);
        const shareA = a.pinned ? 0 : b.pinned ? 1 : 0.5;
        const shareB = 1 - shareA;
        if (vertical) {
          a.y -= sign * d * shareA;
          b.y += sign * d * shareB;
        } else {
          a.x -= sign * d * shareA;
          b.x += sign * d * shareB;
        }
      }
    }
    if (!moved) break;
  }
  cy.batch(() => {
    for (const it of items) it.node.position({ x: it.x, y: it.y });
  });
}

/** The events drawn and visible, earliest first (by start, then end, then id). */
export function eventsInView(cy) {
  return cy
    .nodes('[type = "Event"]')
    .not('.hidden')
    .map((n) => n.data())
    .sort((a, b) => {
      const sa = (a.when && a.when.start) || '';
      const sb = (b.when && b.when.start) || '';
      const ea = (a.when && a.when.end) || '';
      const eb = (b.when && b.when.end) || '';
      return sa.localeCompare(sb) || ea.localeCompare(eb) || a.id.localeCompare(b.id);
    });
}
