// The address holds the whole view, so that a link shares it and Back undoes a step:
// /explore#focus=actor:kamala-harris&depth=2&expand=event:x,event:y&path=actor:a>actor:b
//   &sel=event:x&hide=event:z&kinds=Statement&ek=MEETING&from=2021-06&to=2021-07
//   &known=2021-06-08&sources=1&fold=1&map=1
// An address that is a bare id (/explore#actor:kamala-harris, the first version's links)
// draws that entity.

/** The view an address describes when it says nothing. */
export const EMPTY_VIEW = {
  focus: null,
  depth: 1,
  expand: [],
  hide: [],
  path: null,
  sel: null,
  kinds: [],
  ek: null,
  from: null,
  to: null,
  known: null,
  sources: false,
  fold: false,
  map: false,
};

/** Ids may hold ':' and '-' but never ',' or '>' or '&': keep the readable ones readable. */
function enc(value) {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

/** The view in a hash ("#..." or ""), or EMPTY_VIEW. */
export function parseAddress(hash) {
  const text = String(hash || '').replace(/^#/, '');
  if (!text) return { ...EMPTY_VIEW };
  if (!text.includes('=')) return { ...EMPTY_VIEW, focus: decodeURIComponent(text) };
  const p = new URLSearchParams(text);
  const list = (k) => (p.get(k) ? p.get(k).split(',').filter(Boolean) : []);
  const path = p.get('path') ? p.get('path').split('>') : null;
  const depth = Number(p.get('depth'));
  return {
    focus: p.get('focus') || null,
    depth: depth >= 1 && depth <= 3 ? depth : 1,
    expand: list('expand'),
    hide: list('hide'),
    path: path && path.length === 2 && path[0] && path[1] ? { from: path[0], to: path[1] } : null,
    sel: p.get('sel') || null,
    kinds: list('kinds'),
    ek: p.get('ek') || null,
    from: p.get('from') || null,
    to: p.get('to') || null,
    known: p.get('known') || null,
    sources: p.get('sources') === '1',
    fold: p.get('fold') === '1',
    map: p.get('map') === '1',
  };
}

/** The hash ("#...") for a view; "" for the empty one. */
export function formatAddress(v) {
  if (!v.focus) return '';
  const parts = [['focus', v.focus]];
  if (v.depth !== 1) parts.push(['depth', String(v.depth)]);
  if (v.expand.length) parts.push(['expand', v.expand.join(',')]);
  if (v.hide.length) parts.push(['hide', v.hide.join(',')]);
  if (v.path) parts.push(['path', `${v.path.from}>${v.path.to}`]);
  if (v.sel && v.sel !== v.focus) parts.push(['sel', v.sel]);
  if (v.kinds.length) parts.push(['kinds', v.kinds.join(',')]);
  if (v.ek) parts.push(['ek', v.ek]);
  if (v.from) parts.push(['from', v.from]);
  if (v.to) parts.push(['to', v.to]);
  if (v.known) parts.push(['known', v.known]);
  if (v.sources) parts.push(['sources', '1']);
  if (v.fold) parts.push(['fold', '1']);
  if (v.map) parts.push(['map', '1']);
  return `#${parts.map(([k, val]) => `${k}=${enc(val).replace(/%2C/gi, ',').replace(/%3E/gi, '>')}`).join('&')}`;
}
