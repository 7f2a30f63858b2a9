// The map view: the places of what is drawn on country outlines, each with the events drawn
// there. Offline: the outlines are Natural Earth's 1:110m countries from the `world-atlas`
// package, bundled; d3-geo projects them (no tiles, no other server). Both are in the chunk
// geo.js, fetched from this server when the map is first opened (`loadGeo`).
import { MAP_QUERY, request } from './api.js';
import { clip } from './kinds.js';

/**
 * Where the visible events and places of the drawing `cy` are, asked of the API: the places
 * ({ id, name, latitude, longitude, events }) with the events drawn there.
 */
export async function locate(cy) {
  const shown = cy.nodes('[type = "Event"], [type = "Place"]').not('.hidden');
  const ids = shown.map((n) => n.id());
  const labels = Object.fromEntries(shown.map((n) => [n.id(), n.data('label')]));
  const data = ids.length ? await request(MAP_QUERY, { ids }) : { nodes: [] };
  const places = new Map();
  const placeOf = (p) => {
    if (!places.has(p.id)) places.set(p.id, { id: p.id, name: p.name, latitude: p.latitude, longitude: p.longitude, events: [] });
    return places.get(p.id);
  };
  for (const n of data.nodes) {
    if (!n) continue;
    if (n.__typename === 'Place') placeOf(n);
    else if (n.__typename === 'Event' && n.place) placeOf(n.place).events.push({ id: n.id, label: labels[n.id] || n.id });
  }
  return [...places.values()];
}

/** The map's chunk (geo.js) once loaded: outlines and projection. */
let geo = null;
let geoLoading = null;

/** Loads the map's chunk once; resolves when `MapView` can draw. */
export function loadGeo() {
  if (!geoLoading) {
    geoLoading = import('./geo.js').then((m) => {
      geo = m;
    });
    // A failed fetch may be tried again by the next opening of the map.
    geoLoading.catch(() => {
      geoLoading = null;
    });
  }
  return geoLoading;
}

/** Places closer than this on screen, in pixels, share one marker. */
const MERGE_PX = 20;

/**
 * The map of `places` ({ id, name, latitude, longitude, events: [{ id, label }] }) in a
 * `width` x `height` box, fitted to them. `onOpen(id)` opens a place.
 */
export function MapView({ places, width, height, status, onOpen }) {
  const located = places.filter((p) => p.latitude !== null && p.longitude !== null);
  if (!geo || (status === 'loading' && located.length === 0)) return <p className="ex-map-note">Placing what is drawn…</p>;
  if (located.length === 0) return <p className="ex-map-note">Nothing drawn has a place with coordinates.</p>;
  const { geoNaturalEarth1, geoPath, land, borders } = geo;
  const lons = located.map((p) => p.longitude);
  const lats = located.map((p) => p.latitude);
  // Fit a box around the places, at least 12 degrees wide, so one city still shows its region.
  const pad = 6;
  const box = {
    type: 'Feature',
    geometry: {
      type: 'MultiPoint',
      coordinates: [
        [Math.min(...lons) - pad, Math.min(...lats) - pad],
        [Math.max(...lons) + pad, Math.max(...lats) + pad],
      ],
    },
  };
  const projection = geoNaturalEarth1().fitExtent(
    [
      [24, 24],
      [Math.max(48, width - 24), Math.max(48, height - 24)],
    ],
    box,
  );
  const draw = geoPath(projection);
  const markers = [];
  for (const p of located) {
    const [x, y] = projection([p.longitude, p.latitude]);
    const near = markers.find((m) => Math.hypot(m.x - x, m.y - y) < MERGE_PX);
    if (near) near.places.push(p);
    else markers.push({ x, y, places: [p] });
  }
  return (
    <svg className="ex-map" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-label="Map of the places drawn">
      <path className="ex-map-land" d={draw(land)} />
      <path className="ex-map-borders" d={draw(borders)} />
      {markers.map((m) => {
        const events = m.places.flatMap((p) => p.events);
        const first = m.places[0];
        const name = m.places.length > 1 ? `${first.name} +${m.places.length - 1}` : first.name;
        const tip = `${m.places.map((p) => p.name).join(', ')}: ${events.length} event${events.length === 1 ? '' : 's'} drawn${
          events.length ? ` (${events.map((e) => clip(e.label, 40)).join('; ')})` : ''
        }`;
        const r = 5 + Math.min(10, Math.sqrt(events.length) * 3);
        return (
          <g
            key={first.id}
            className="ex-map-marker"
            transform={`translate(${m.x.toFixed(1)},${m.y.toFixed(1)})`}
            data-places={m.places.map((p) => p.id).join(' ')}
            data-events={events.length}
            role="button"
            tabIndex={0}
            aria-label={tip}
            onClick={() => onOpen(first.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onOpen(first.id);
              }
            }}
          >
            <title>{tip}</title>
            <circle r={r} />
            {events.length ? (
              <text className="ex-map-count" dy="0.35em">
                {events.length}
              </text>
            ) : null}
            <text className="ex-map-label" y={r + 12}>
              {clip(name, 28)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
