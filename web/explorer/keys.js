// Walking the drawing with the keyboard: the arrow keys move from the current node (the one
// selected) to the neighbour that lies most in that direction on screen.

/** The direction of each arrow key, as an angle on screen (y grows downwards). */
const ANGLES = { ArrowRight: 0, ArrowDown: Math.PI / 2, ArrowLeft: Math.PI, ArrowUp: -Math.PI / 2 };

/** Whether `key` is one of the arrows. */
export function isArrow(key) {
  return Object.prototype.hasOwnProperty.call(ANGLES, key);
}

/**
 * The visible neighbour of `node` the arrow `key` leads to: the one whose direction is closest
 * to the arrow's (nearer ones first when two are alike), or null when it has none.
 */
export function neighbourTowards(node, key) {
  const want = ANGLES[key];
  const from = node.renderedPosition();
  let best = null;
  let bestScore = Infinity;
  node
    .neighborhood('node')
    .not('.hidden')
    .forEach((n) => {
      const p = n.renderedPosition();
      const dx = p.x - from.x;
      const dy = p.y - from.y;
      const dist = Math.hypot(dx, dy) || 1;
      let off = Math.abs(Math.atan2(dy, dx) - want);
      if (off > Math.PI) off = 2 * Math.PI - off;
      // A quarter turn off counts as much as 400 pixels further.
      const score = off * 800 / Math.PI + dist / 4;
      if (score < bestScore) {
        bestScore = score;
        best = n;
      }
    });
  return best;
}

/** What a screen reader hears of a node: its label, kind and how many links it has shown. */
export function describe(node) {
  const links = node.connectedEdges().not('.hidden').length;
  return `${node.data('label')}, ${node.data('type').toLowerCase()}, ${links} link${links === 1 ? '' : 's'}`;
}
