// The Diplograph graph explorer (GET /explore): search, an entity's neighbourhood drawn as a
// network that grows by clicking, a timeline (the drawn entity's events per month, from the
// API, and the events in view), and a panel with each
// fact and its sources. Everything goes through the public GraphQL API at /graphql.
//
// Gestures: click a node to open and expand it, double-click to redraw around it (focus).
// Keys: "/" goes to the search field; arrows walk the results; Enter opens one; every
// button in the panel and the timeline is reachable with Tab.
//
// For tests, `window.__explorer` holds the cytoscape instance, and
// `document.documentElement.dataset.explorer` is "busy" while a request or layout runs.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  DETAILS_QUERIES,
  DRAWN_TIMELINE_QUERY,
  NEIGHBORHOOD_QUERY,
  KNOWN_BY_QUERY,
  PATH_QUERY,
  PLACE_EVENTS_FIRST,
  PLACE_EVENTS_QUERY,
  request,
  typeOfId,
} from './api.js';
import { Details } from './Details.jsx';
import {
  ALL_VISIBLE,
  applyView,
  createGraph,
  eventsInView,
  layout,
  merge,
  mergePath,
  pathLinks,
  placeEventsSubgraph,
  syncDrawing,
  updateEdgeLabels,
} from './graph.js';
import { ConnectBox, PathView } from './Path.jsx';
import { EMPTY_VIEW, formatAddress, parseAddress } from './address.js';
import { GraphQLQuery } from './CopyGraphQL.jsx';
import { ExportMenu } from './ExportMenu.jsx';
import { FilterMenu, Legend, tidyRange } from './Filters.jsx';
import { MapView, loadGeo, locate } from './MapView.jsx';
import { describe, isArrow, neighbourTowards } from './keys.js';
import { Search } from './Search.jsx';
import { Timeline } from './Timeline.jsx';
import { followChanges } from './live.js';
import './explore.css';

/** Longest wait between the two clicks of a double click, in milliseconds. */
const DOUBLE_CLICK_MS = 300;
/** At most this many nodes per neighbourhood request. */
const LIMIT = 120;
/** At most this many events of a place (and of the places inside it) are drawn with it. */
const PLACE_EVENTS = PLACE_EVENTS_FIRST;
/** A change of more records than this redraws the view without asking what they touch. */
const MAX_LOOKED_AT = 20;
/** Entities offered on the empty page. */
const STARTERS = [
  ['actor:alejandro-giammattei', 'Alejandro Giammattei'],
  ['actor:kamala-harris', 'Kamala Harris'],
  ['actor:andres-manuel-lopez-obrador', 'Andrés Manuel López Obrador'],
  ['event:2023-12-27-mexico-city-migration-meeting', 'Mexico City migration meeting, 2023'],
];

function Explorer() {
  const container = useRef(null);
  const cyRef = useRef(null);
  const searchInput = useRef(null);
  const pendingTap = useRef(null);
  const detailsTicket = useRef(0);
  const drawTicket = useRef(0);
  const busyCount = useRef(0);
  const gestures = useRef({});
  const settings = useRef({ showSources: false, depth: 1, view: ALL_VISIBLE });

  const [details, setDetails] = useState(null);
  const [selectedId, setSelectedId] = useState(null);
  const [showSources, setShowSources] = useState(false);
  const [depth, setDepth] = useState(1);
  const [events, setEvents] = useState([]);
  const [months, setMonths] = useState(null);
  const monthsTicket = useRef(0);
  const monthsKey = useRef('');
  const [counts, setCounts] = useState({ nodes: 0, links: 0, sources: 0 });
  const [truncated, setTruncated] = useState(false);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [adding, setAdding] = useState(false);
  const [connecting, setConnecting] = useState(false);
  const [path, setPath] = useState(null);
  const pathTicket = useRef(0);
  const [hiddenKinds, setHiddenKinds] = useState([]);
  const [drawnKinds, setDrawnKinds] = useState([]);
  const [eventKind, setEventKind] = useState('');
  const [range, setRange] = useState(null);
  const [knownBy, setKnownBy] = useState('');
  const [known, setKnown] = useState(null);
  const knownTicket = useRef(0);

  const [foldParts, setFoldParts] = useState(false);
  // What the drawing was made of (see address.js): the address is written from it.
  const drawn = useRef({ ...EMPTY_VIEW });
  const restoring = useRef(0);
  const lastAddress = useRef(window.location.hash);
  const [undoable, setUndoable] = useState(0);
  const [drawingGraphQL, setDrawingGraphQL] = useState(null);
  const [spoken, setSpoken] = useState('');
  const [mapOn, setMapOn] = useState(false);
  const [mapPlaces, setMapPlaces] = useState({ status: 'idle', places: [] });
  const [mapSize, setMapSize] = useState({ width: 0, height: 0, top: 0 });
  const mapTicket = useRef(0);
  const view = { showSources, hiddenKinds, eventKind: eventKind || null, range, known, foldParts };
  settings.current = {
    showSources,
    depth,
    view,
    filters: {
      kinds: hiddenKinds,
      ek: eventKind || null,
      from: (range && range.from) || null,
      to: (range && range.to) || null,
      known: knownBy || null,
      sources: showSources,
      fold: foldParts,
      map: mapOn,
    },
  };

  /**
   * Writes the view into the address as a new history entry (so Back undoes the step), unless
   * the view is being restored from the address or the address already says it.
   */
  const record = useCallback(() => {
    if (restoring.current > 0) return;
    const f = settings.current.filters;
    const hash = formatAddress({ ...drawn.current, ...f });
    if (hash === window.location.hash || (!hash && !window.location.hash)) return;
    lastAddress.current = hash;
    window.history.pushState(null, '', hash || window.location.pathname);
    setUndoable((n) => n + 1);
  }, []);

  /** Runs `work` marked as busy (for the spinner and for tests). */
  const track = useCallback(async (work) => {
    busyCount.current += 1;
    document.documentElement.dataset.explorer = 'busy';
    setBusy(true);
    try {
      return await work();
    } finally {
      busyCount.current -= 1;
      if (busyCount.current === 0) {
        document.documentElement.dataset.explorer = 'ready';
        setBusy(false);
      }
    }
  }, []);

  /**
   * Loads the month chart of the events drawn (`ids`, around `centre`): the API's monthly
   * timeline of exactly those events (`events(filter: { ids })`), empty months included.
   */
  const loadMonths = useCallback(
    (centre, ids) => {
      const ticket = ++monthsTicket.current;
      // No event drawn, no chart (and an empty `ids` would be no filter at all).
      if (ids.length === 0) {
        setMonths(null);
        return;
      }
      setMonths((m) => ({ id: centre, status: 'loading', total: ids.length, buckets: m && m.id === centre ? m.buckets : null }));
      track(async () => {
        try {
          const data = await request(DRAWN_TIMELINE_QUERY, { ids });
          if (ticket !== monthsTicket.current) return;
          setMonths({ id: centre, status: 'ready', total: data.events.totalCount, buckets: data.events.timeline });
        } catch (err) {
          if (ticket !== monthsTicket.current) return;
          setMonths({ id: centre, status: 'error', error: err.message, buckets: null });
        }
      });
    },
    [track],
  );

  /** Reads what the drawing holds into React state (timeline, month chart, counts). */
  const refresh = useCallback(() => {
    const cy = cyRef.current;
    // The month chart follows the events drawn (filters aside: it is what the brush spans).
    const ids = cy.nodes('[type = "Event"]').map((n) => n.id()).sort();
    const centre = cy.nodes('.centre').map((n) => n.id())[0] || null;
    const key = `${centre} ${ids.join(' ')}`;
    if (key !== monthsKey.current) {
      monthsKey.current = key;
      loadMonths(centre, ids);
    }
    setEvents(eventsInView(cy));
    setDrawnKinds(cy.nodes('[type = "Event"]').map((n) => n.data('entity').kind));
    setCounts({
      nodes: cy.nodes().not('.hidden').length,
      links: cy.edges().not('.hidden').length,
      sources: cy.nodes('[type = "Source"]').length,
    });
  }, [loadMonths]);

  /** Marks `id` as the selected node (in the drawing and the timeline). */
  const select = useCallback((id) => {
    const cy = cyRef.current;
    cy.$(':selected').unselect();
    const node = cy.getElementById(id);
    if (node.nonempty()) node.select();
    setSelectedId(id);
  }, []);

  /** Loads the panel for `id`. */
  const showDetails = useCallback(
    (id) => {
      const type = typeOfId(id);
      if (!type) {
        setDetails({ id, query: '', variables: { id }, status: 'error', error: 'unknown kind of id' });
        return Promise.resolve();
      }
      const ticket = ++detailsTicket.current;
      const query = DETAILS_QUERIES[type];
      const variables = { id };
      setDetails((prev) => ({ id, type, query, variables, status: 'loading', data: prev && prev.id === id ? prev.data : null }));
      return track(async () => {
        try {
          const data = await request(query, variables);
          if (ticket !== detailsTicket.current) return;
          if (!data.node) throw new Error('no such entity');
          setDetails({ id, type, query, variables, status: 'ready', data: data.node });
        } catch (err) {
          if (ticket !== detailsTicket.current) return;
          setDetails({ id, type, query, variables, status: 'error', error: err.message, data: null });
        }
      });
    },
    [track],
  );

  /** Fetches the neighbourhood of `id` and adds it to the drawing. */
  const grow = useCallback(
    async (id, d, fresh) => {
      const cy = cyRef.current;
      const ticket = fresh ? ++drawTicket.current : drawTicket.current;
      const data = await request(NEIGHBORHOOD_QUERY, { id, depth: d, limit: LIMIT });
      // A newer redraw started while this one waited: it wins.
      if (ticket !== drawTicket.current) return;
      const sub = data.neighborhood;
      if (fresh) cy.elements().remove();
      let added = merge(cy, sub, id, settings.current.view);
      // A place's panel counts the events at the places inside it too: draw them as well.
      if (typeOfId(id) === 'Place') {
        const answer = await request(PLACE_EVENTS_QUERY, { id, first: PLACE_EVENTS });
        if (ticket !== drawTicket.current) return;
        if (answer.node) {
          const more = placeEventsSubgraph(answer.node.events);
          added += merge(cy, more, id, settings.current.view);
          sub.truncated = sub.truncated || more.truncated;
        }
      }
      const node = cy.getElementById(id);
      node.addClass('expanded');
      if (fresh) node.addClass('centre');
      setTruncated((t) => (fresh ? sub.truncated : t || sub.truncated));
      if (fresh || added > 0) await layout(cy, { fresh, centreId: id });
      refresh();
    },
    [refresh],
  );

  /** Redraws around `id`: its neighbourhood alone, at the chosen depth. */
  const focus = useCallback(
    (id) => {
      clearTimeout(pendingTap.current);
      setProblem('');
      showDetails(id);
      pathTicket.current += 1;
      setPath(null);
      const d = settings.current.depth;
      return track(async () => {
        try {
          await grow(id, d, true);
          select(id);
          drawn.current = { ...EMPTY_VIEW, focus: id, depth: d, sel: id };
          record();
        } catch (err) {
          setProblem(`Could not draw ${id}: ${err.message}`);
        }
      });
    },
    [grow, record, select, showDetails, track],
  );

  /** Adds what surrounds `id` to the drawing (once per node; reports are not walked). */
  const expand = useCallback(
    (id) => {
      const cy = cyRef.current;
      const node = cy.getElementById(id);
      if (typeOfId(id) === 'Source' || (node.nonempty() && node.hasClass('expanded'))) {
        if (node.nonempty() && drawn.current.focus) {
          drawn.current.sel = id;
          record();
        }
        return Promise.resolve();
      }
      setProblem('');
      return track(async () => {
        try {
          const first = cy.nodes().empty();
          await grow(id, 1, first);
          select(id);
          if (first) drawn.current = { ...EMPTY_VIEW, focus: id, sel: id };
          else drawn.current = { ...drawn.current, expand: [...drawn.current.expand, id], sel: id };
          record();
        } catch (err) {
          setProblem(`Could not expand ${id}: ${err.message}`);
        }
      });
    },
    [grow, record, select, track],
  );

  /** Adds `id` and what surrounds it to the drawing, keeping what is drawn. */
  const add = useCallback(
    (id) => {
      const cy = cyRef.current;
      clearTimeout(pendingTap.current);
      setProblem('');
      showDetails(id);
      return track(async () => {
        try {
          const first = cy.nodes().empty();
          await grow(id, 1, first);
          select(id);
          if (first) drawn.current = { ...EMPTY_VIEW, focus: id, sel: id };
          else drawn.current = { ...drawn.current, expand: [...drawn.current.expand, id], sel: id };
          record();
        } catch (err) {
          setProblem(`Could not add ${id}: ${err.message}`);
        }
      });
    },
    [grow, record, select, showDetails, track],
  );

  /** Finds the shortest chain of facts from `from` to `to`, draws it and lists it in the panel. */
  const connect = useCallback(
    (from, to) => {
      const cy = cyRef.current;
      const ticket = ++pathTicket.current;
      setConnecting(false);
      setPath({ from, to, status: 'loading' });
      return track(async () => {
        try {
          const data = await request(PATH_QUERY, { from, to });
          if (ticket !== pathTicket.current) return;
          if (!data.path) {
            setPath({ from, to, status: 'none' });
            return;
          }
          const added = mergePath(cy, data.path, settings.current.view);
          drawn.current = { ...drawn.current, path: { from, to } };
          record();
          if (added > 0) await layout(cy, { centreId: from });
          refresh();
          setPath({ from, to, status: 'ready', hops: data.path.hops, links: pathLinks(data.path) });
        } catch (err) {
          if (ticket !== pathTicket.current) return;
          setPath({ from, to, status: 'error', error: err.message });
        }
      });
    },
    [record, refresh, track],
  );

  const clearPath = () => {
    pathTicket.current += 1;
    setPath(null);
    cyRef.current.elements('.path').removeClass('path');
    applyView(cyRef.current, settings.current.view);
    drawn.current = { ...drawn.current, path: null };
    record();
  };

  /**
   * Draws the view an address describes (see address.js), from nothing: the entity at the
   * centre, then each expansion in order, the hidden nodes, the chain, the selection and
   * the filters. Nothing is written to the address meanwhile.
   */
  const restore = useCallback(
    async (hash) => {
      const cy = cyRef.current;
      const v = parseAddress(hash);
      lastAddress.current = hash;
      restoring.current += 1;
      try {
        const r = tidyRange({ from: v.from, to: v.to });
        setDepth(v.depth);
        setShowSources(v.sources);
        setFoldParts(v.fold);
        setHiddenKinds(v.kinds);
        setEventKind(v.ek || '');
        setRange(r);
        setKnownBy(v.known || '');
        setMapOn(v.map);
        // The state above lands on the next render; the drawing is made now.
        settings.current.view = {
          ...settings.current.view,
          showSources: v.sources,
          hiddenKinds: v.kinds,
          eventKind: v.ek,
          range: r,
          foldParts: v.fold,
        };
        pathTicket.current += 1;
        setPath(null);
        if (!v.focus || !typeOfId(v.focus)) {
          drawTicket.current += 1;
          cy.elements().remove();
          drawn.current = { ...EMPTY_VIEW };
          setDetails(null);
          refresh();
          return;
        }
        await track(async () => {
          try {
            await grow(v.focus, v.depth, true);
            for (const id of v.expand) if (typeOfId(id)) await grow(id, 1, false);
            for (const id of v.hide) cy.getElementById(id).remove();
            drawn.current = { ...v, sel: v.sel || v.focus };
            if (v.path) await connect(v.path.from, v.path.to);
            const sel = cy.getElementById(v.sel || v.focus).nonempty() ? v.sel || v.focus : v.focus;
            select(sel);
            showDetails(sel);
            applyView(cy, settings.current.view);
            refresh();
            // An address in another spelling (a bare id) is rewritten as this page writes it.
            const filters = {
              kinds: v.kinds,
              ek: v.ek,
              from: r && r.from,
              to: r && r.to,
              known: v.known,
              sources: v.sources,
              fold: v.fold,
              map: v.map,
            };
            const canonical = formatAddress({ ...drawn.current, ...filters });
            if (canonical !== window.location.hash) {
              window.history.replaceState(null, '', canonical);
              lastAddress.current = canonical;
            }
          } catch (err) {
            setProblem(`Could not draw the view in the address: ${err.message}`);
          }
        });
      } finally {
        restoring.current -= 1;
      }
    },
    [connect, grow, refresh, select, showDetails, track],
  );

  /**
   * Draws the view again from the API after a change to the graph, keeping what stays where
   * it is (and the zoom, the selection and the filters): every step of the view asked again
   * (the entity at the centre, each expansion, a place's events, the chain), the hidden
   * nodes left out, and the drawing brought to hold exactly that. A redraw started
   * meanwhile wins.
   */
  const reload = useCallback(
    () =>
      track(async () => {
        const cy = cyRef.current;
        const v = drawn.current;
        if (!v.focus) return;
        const ticket = drawTicket.current;
        const steps = [[v.focus, v.depth], ...v.expand.map((id) => [id, 1])];
        const asked = steps.map(async ([id, d]) => {
          const data = await request(NEIGHBORHOOD_QUERY, { id, depth: d, limit: LIMIT });
          const subs = [data.neighborhood];
          if (typeOfId(id) === 'Place') {
            const answer = await request(PLACE_EVENTS_QUERY, { id, first: PLACE_EVENTS });
            if (answer.node) subs.push(placeEventsSubgraph(answer.node.events));
          }
          return subs;
        });
        if (v.path) {
          asked.push(
            request(PATH_QUERY, v.path).then((data) =>
              data.path ? [{ nodes: data.path.steps.map((st) => st.node), links: pathLinks(data.path) }] : [],
            ),
          );
        }
        let parts;
        try {
          parts = (await Promise.all(asked)).flat();
        } catch (err) {
          if (ticket === drawTicket.current) setProblem(`Could not redraw after a change: ${err.message}`);
          return;
        }
        if (ticket !== drawTicket.current) return;
        const hidden = new Set(v.hide);
        const nodes = new Map();
        const links = new Map();
        for (const p of parts) {
          for (const n of p.nodes) if (!hidden.has(n.id)) nodes.set(n.id, n);
          for (const l of p.links) links.set(`${l.from}|${l.kind}|${l.to}`, { from: l.from, to: l.to, kind: l.kind });
        }
        const { added, removed } = syncDrawing(cy, { nodes: [...nodes.values()], links: [...links.values()] }, v.focus, settings.current.view);
        const centre = cy.getElementById(v.focus);
        if (centre.nonempty()) centre.addClass('centre expanded');
        if (added > 0 || removed > 0) await layout(cy, { centreId: v.sel || v.focus });
        refresh();
        const sel = v.sel || v.focus;
        if (cy.getElementById(sel).nonempty()) showDetails(sel);
      }),
    [refresh, showDetails, track],
  );

  /**
   * Whether a change of the graph touches what is drawn: one of the records it added,
   * replaced or removed is drawn, or lies next to something drawn (an event added with a
   * drawn actor as participant).
   */
  const touches = useCallback(async (change) => {
    const cy = cyRef.current;
    if (!drawn.current.focus || cy.nodes().empty()) return false;
    if (change.ids.some((id) => cy.getElementById(id).nonempty())) return true;
    // A large change (an import) is not looked at record by record: the view is redrawn.
    if (change.ids.length > MAX_LOOKED_AT) return true;
    const near = await Promise.all(
      change.ids.map((id) =>
        request(NEIGHBORHOOD_QUERY, { id, depth: 1, limit: LIMIT })
          .then((data) => data.neighborhood.nodes.map((n) => n.id))
          .catch(() => []),
      ),
    );
    return near.flat().some((id) => cy.getElementById(id).nonempty());
  }, []);

  /** Opens `id` from the panel or the timeline: its details, and it in the drawing. */
  const open = useCallback(
    (id) => {
      showDetails(id);
      select(id);
      expand(id);
    },
    [expand, select, showDetails],
  );

  // A click opens the node at once and expands it unless a second click makes it a
  // double click (expanding moves nodes, and the second click would miss).
  gestures.current = {
    tap: (id) => {
      clearTimeout(pendingTap.current);
      showDetails(id);
      select(id);
      pendingTap.current = setTimeout(() => expand(id), DOUBLE_CLICK_MS);
    },
    dbltap: (id) => {
      clearTimeout(pendingTap.current);
      focus(id);
    },
    restore,
    reload,
    touches,
  };

  useEffect(() => {
    const cy = createGraph(container.current, {
      tap: (id) => gestures.current.tap(id),
      dbltap: (id) => gestures.current.dbltap(id),
    });
    cyRef.current = cy;
    window.__explorer = { cy };
    document.documentElement.dataset.explorer = 'ready';
    // The address holds the view (address.js): a link to it, Back and Forward, or an edited
    // address draw it.
    const fromHistory = () => {
      setUndoable((n) => Math.max(0, n - 1));
      gestures.current.restore(window.location.hash);
    };
    const fromHash = () => {
      if (window.location.hash !== lastAddress.current) gestures.current.restore(window.location.hash);
    };
    if (window.location.hash) gestures.current.restore(window.location.hash);
    else searchInput.current.focus();
    window.addEventListener('popstate', fromHistory);
    window.addEventListener('hashchange', fromHash);
    const onKey = (e) => {
      const t = e.target;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        searchInput.current.focus();
        searchInput.current.select();
      }
    };
    window.addEventListener('keydown', onKey);
    // A change to the graph that touches the drawing redraws it (in the order they come).
    let pending = Promise.resolve();
    const stopFollowing = followChanges({
      onChange: (change) => {
        pending = pending.then(async () => {
          if (await gestures.current.touches(change)) await gestures.current.reload();
        });
      },
      onReconnect: () => {
        pending = pending.then(() => gestures.current.reload());
      },
    });
    return () => {
      stopFollowing();
      window.removeEventListener('hashchange', fromHash);
      window.removeEventListener('popstate', fromHistory);
      window.removeEventListener('keydown', onKey);
      cy.destroy();
    };
    // Runs once: the handlers it installs read the latest state through refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A view setting that changes what is laid out (sources drawn, parts folded): applied,
  // then the drawing laid out again around the selection.
  const relayoutWith = (change) => {
    const cy = cyRef.current;
    applyView(cy, { ...settings.current.view, ...change });
    track(async () => {
      await layout(cy, { centreId: selectedId });
      refresh();
    });
  };

  const toggleSources = (on) => {
    setShowSources(on);
    relayoutWith({ showSources: on });
  };

  // Filters apply to the drawing as soon as they change (sources relayout, above): in the
  // render's commit, so that the drawing never shows a filter the controls no longer say.
  useLayoutEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    applyView(cy, settings.current.view);
    refresh();
    // The view is rebuilt on each render; these are what it is made of.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hiddenKinds, eventKind, range, known, refresh]);

  // A change of filter is a step of its own in the address (once a drag or typing pauses).
  useEffect(() => {
    const timer = setTimeout(record, 300);
    return () => clearTimeout(timer);
  }, [hiddenKinds, eventKind, range, knownBy, showSources, foldParts, mapOn, record]);

  // The map view: where the visible events and places are, asked again when the drawing changes.
  useEffect(() => {
    const cy = cyRef.current;
    if (!mapOn || !cy) return;
    setMapSize({ width: cy.width(), height: cy.height(), top: container.current.offsetTop });
    const ticket = ++mapTicket.current;
    setMapPlaces((m) => ({ ...m, status: 'loading' }));
    track(async () => {
      try {
        const [places] = await Promise.all([locate(cy), loadGeo()]);
        if (ticket !== mapTicket.current) return;
        setMapPlaces({ status: 'ready', places });
      } catch (err) {
        if (ticket !== mapTicket.current) return;
        setMapPlaces({ status: 'error', places: [] });
        setProblem(`Could not place the drawing on the map: ${err.message}`);
      }
    });
  }, [mapOn, counts, track]);

  // The map keeps the drawing's size when the window changes.
  useEffect(() => {
    if (!mapOn) return undefined;
    const onResize = () =>
      cyRef.current &&
      setMapSize({ width: cyRef.current.width(), height: cyRef.current.height(), top: container.current.offsetTop });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [mapOn]);

  const toggleFold = (on) => {
    setFoldParts(on);
    relayoutWith({ foldParts: on });
  };

  // "Known by": the ids the reports had told by that day, asked of the API.
  useEffect(() => {
    const ticket = ++knownTicket.current;
    if (!knownBy) {
      setKnown(null);
      return;
    }
    track(async () => {
      try {
        const data = await request(KNOWN_BY_QUERY, { day: knownBy });
        if (ticket !== knownTicket.current) return;
        const lists = [data.events, data.agreements, data.statements];
        if (lists.some((l) => l.totalCount > l.nodes.length)) setProblem('Known by: only the first 100 of each kind are kept.');
        setKnown(new Set(lists.flatMap((l) => l.nodes.map((n) => n.id))));
      } catch (err) {
        if (ticket !== knownTicket.current) return;
        setProblem(`Could not ask what was known by ${knownBy}: ${err.message}`);
      }
    });
  }, [knownBy, track]);

  const toggleKind = (type) => {
    if (type === 'Source') {
      toggleSources(!showSources);
      return;
    }
    setHiddenKinds((kinds) => (kinds.includes(type) ? kinds.filter((k) => k !== type) : [...kinds, type]));
  };

  const highlight = (id) => {
    const cy = cyRef.current;
    cy.nodes('.hl').removeClass('hl');
    if (id) cy.getElementById(id).addClass('hl');
    updateEdgeLabels(cy);
  };

  /** Highlights the drawn events that start in `month` ("2021-06"), or none. */
  const highlightMonth = (month) => {
    const cy = cyRef.current;
    cy.nodes('.hl').removeClass('hl');
    if (month) {
      cy.nodes('[type = "Event"]')
        .filter((n) => {
          const when = n.data('when');
          return Boolean(when && when.start && when.start.startsWith(month));
        })
        .addClass('hl');
    }
    updateEdgeLabels(cy);
  };

  /**
   * The drawing's keys: arrows move to a neighbour, Enter expands, F focuses (redraws around),
   * Delete hides the node, Escape clears the selection. The node moved to is opened in the
   * panel, kept in view and read out.
   */
  const onCanvasKey = (e) => {
    const cy = cyRef.current;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const visible = cy.nodes().not('.hidden');
    if (visible.empty()) return;
    let current = cy.$('node:selected').not('.hidden');
    if (current.empty()) current = visible.filter('.centre');
    if (current.empty()) current = visible.first();
    current = current.first();
    const goTo = (node) => {
      select(node.id());
      showDetails(node.id());
      drawn.current.sel = node.id();
      const p = node.renderedPosition();
      if (p.x < 40 || p.y < 40 || p.x > cy.width() - 40 || p.y > cy.height() - 40) cy.animate({ center: { eles: node } }, { duration: 200 });
      setSpoken(describe(node));
    };
    if (isArrow(e.key)) {
      e.preventDefault();
      if (cy.$('node:selected').empty()) {
        goTo(current);
        return;
      }
      const next = neighbourTowards(current, e.key);
      if (next) goTo(next);
      else setSpoken(`No neighbour that way from ${current.data('label')}`);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      setSpoken(`Expanding ${current.data('label')}`);
      expand(current.id());
    } else if (e.key === 'f' || e.key === 'F') {
      e.preventDefault();
      setSpoken(`Drawing around ${current.data('label')}`);
      focus(current.id());
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      const next = current.neighborhood('node').not('.hidden').first();
      const label = current.data('label');
      drawn.current = { ...drawn.current, hide: [...drawn.current.hide, current.id()] };
      current.remove();
      if (next.nonempty()) goTo(next);
      refresh();
      record();
      setSpoken(`Hid ${label}`);
    } else if (e.key === 'Escape') {
      cy.$(':selected').unselect();
      setSpoken('Nothing selected');
    }
  };

  const empty = counts.nodes === 0 && !busy;
  const eventKinds = [...new Set(drawnKinds)].sort();
  const filtersOn = [hiddenKinds.length > 0, eventKind, range, knownBy].filter(Boolean).length;
  const resetFilters = () => {
    setHiddenKinds([]);
    setEventKind('');
    setRange(null);
    setKnownBy('');
  };
  return (
    <div className="ex-page">
      <header className="ex-header">
        <h1 className="ex-title">
          Diplograph <span className="ex-subtitle">Graph explorer</span>
        </h1>
        <Search onOpen={(id, more) => (more || adding ? add(id) : focus(id))} inputRef={searchInput} />
        <label className="ex-check ex-adding" title="Add what you choose in the search to the drawing instead of redrawing (Shift+Enter does it once)">
          <input type="checkbox" checked={adding} onChange={(e) => setAdding(e.target.checked)} />
          Add to drawing
        </label>
        <nav className="ex-nav" aria-label="Pages">
          <a href="/">GraphQL playground</a>
        </nav>
      </header>
      <main className="ex-main">
        <section className="ex-stage" aria-label="Network drawing">
          <div className="ex-toolbar" role="toolbar" aria-label="Drawing">
            <label className="ex-check">
              <input
                type="checkbox"
                checked={showSources}
                onChange={(e) => toggleSources(e.target.checked)}
                title="Draw the reports and the facts that cite them"
              />
              Sources{counts.sources ? ` (${counts.sources})` : ''}
            </label>
            <label className="ex-check" title="Fold the events that are part of a drawn trip or visit into it">
              <input type="checkbox" checked={foldParts} onChange={(e) => toggleFold(e.target.checked)} />
              Fold parts
            </label>
            <label className="ex-select">
              Depth{' '}
              <select
                value={depth}
                onChange={(e) => setDepth(Number(e.target.value))}
                title="How far from the entity a search or a double click draws"
              >
                <option value={1}>1 hop</option>
                <option value={2}>2 hops</option>
                <option value={3}>3 hops</option>
              </select>
            </label>
            <button
              type="button"
              className="ex-button"
              disabled={empty}
              title="Show the whole drawing, however small"
              onClick={() => cyRef.current.animate({ fit: { eles: cyRef.current.elements().not('.hidden'), padding: 30 } })}
            >
              Fit all
            </button>
            <button
              type="button"
              className="ex-button ex-relayout"
              disabled={empty}
              onClick={() => track(() => layout(cyRef.current, { fresh: true, centreId: selectedId }))}
            >
              Re-layout
            </button>
            <button
              type="button"
              className="ex-button"
              disabled={undoable === 0}
              title="Undo the last step (the browser's Back does the same)"
              onClick={() => window.history.back()}
            >
              Undo
            </button>
            <button
              type="button"
              className="ex-button"
              aria-pressed={mapOn}
              disabled={empty}
              title="Show the places of what is drawn on a map, with their events"
              onClick={() => setMapOn((on) => !on)}
            >
              Map
            </button>
            <FilterMenu
              eventKinds={eventKinds}
              filtersOn={filtersOn}
              eventKind={eventKind}
              setEventKind={setEventKind}
              range={range}
              setRange={setRange}
              knownBy={knownBy}
              setKnownBy={setKnownBy}
              resetFilters={resetFilters}
            />
            <ExportMenu
              getCy={() => cyRef.current}
              getView={() => drawn.current}
              events={events}
              empty={empty}
              graphqlOpen={Boolean(drawingGraphQL)}
              onGraphQL={setDrawingGraphQL}
            />
            <Legend showSources={showSources} hiddenKinds={hiddenKinds} toggleKind={toggleKind} />
          </div>
          <div
            className="ex-canvas"
            ref={container}
            data-testid="graph"
            tabIndex={0}
            role="application"
            aria-roledescription="network drawing"
            aria-label={`Network drawing, ${counts.nodes} nodes. Arrow keys move between neighbours, Enter expands, F draws around the node, Delete hides it.`}
            onKeyDown={onCanvasKey}
          />
          <p className="ex-visually-hidden" aria-live="polite" data-testid="spoken">
            {spoken}
          </p>
          {mapOn && !empty ? (
            <div className="ex-map-layer" data-status={mapPlaces.status} style={{ top: mapSize.top, height: mapSize.height }}>
              <MapView
                places={mapPlaces.places}
                status={mapPlaces.status}
                width={mapSize.width}
                height={mapSize.height}
                onOpen={open}
              />
            </div>
          ) : null}
          {drawingGraphQL ? (
            <div className="ex-drawing-query">
              <GraphQLQuery
                id="ex-drawing-query"
                label="The drawing's GraphQL query"
                query={drawingGraphQL.query}
                variables={{}}
                status={drawingGraphQL.status}
                onClose={() => setDrawingGraphQL(null)}
              />
            </div>
          ) : null}
          {empty ? (
            <div className="ex-hint">
              <p>Search above, or start from:</p>
              <ul>
                {STARTERS.map(([id, name]) => (
                  <li key={id}>
                    <button type="button" className="ex-ref" onClick={() => focus(id)}>
                      {name}
                    </button>
                  </li>
                ))}
              </ul>
              <p className="ex-muted">Click a node to expand it, double-click to redraw around it.</p>
            </div>
          ) : null}
          {problem ? (
            <p className="ex-error ex-stage-error" role="alert">
              {problem}
            </p>
          ) : null}
          <p className="ex-status" aria-live="polite" hidden={empty}>
            {busy ? 'Loading…' : `${counts.nodes} nodes · ${counts.links} links`}
            {truncated ? ' · cut short by the node limit' : ''}
          </p>
          <Timeline
            months={months}
            events={events}
            selectedId={selectedId}
            range={range}
            onRange={setRange}
            onOpen={open}
            onHighlight={highlight}
            onHighlightMonth={highlightMonth}
          />
        </section>
        <aside
          className={sheetOpen ? 'ex-panel ex-sheet-open' : 'ex-panel'}
          aria-label="Details"
          aria-labelledby={details ? 'ex-details-title' : undefined}
        >
          <button
            type="button"
            className="ex-sheet-handle"
            aria-expanded={sheetOpen}
            onClick={() => setSheetOpen((o) => !o)}
          >
            {sheetOpen ? 'Show less of the details' : 'Show more of the details'}
          </button>
          <Details
            details={details}
            onOpen={open}
            onFocus={focus}
            onConnect={details && details.status !== 'error' ? () => setConnecting((c) => !c) : null}
          >
            {connecting && details ? (
              <ConnectBox
                fromName={(details.data && (details.data.name || details.data.title)) || details.id}
                onConnect={(to) => connect(details.id, to)}
                onClose={() => setConnecting(false)}
              />
            ) : null}
            <PathView path={path} onOpen={open} onClear={clearPath} />
          </Details>
        </aside>
      </main>
    </div>
  );
}

createRoot(document.getElementById('explorer')).render(<Explorer />);
