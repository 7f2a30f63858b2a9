// What @graphiql/react 0.29 uses of framer-motion: `Reorder.Group` and `Reorder.Item`, the
// tab bar and its tabs, which framer-motion lets the user drag into another order. Handed
// to @graphiql/react by web/build.mjs instead of framer-motion (about 100 KB of the bundle
// with the packages it brings): the tabs are the same list and items, without dragging.
import { createElement, forwardRef } from 'react';

/** The tab bar: a list element (`as`, `ul` by default) without the drag-to-reorder props. */
const Group = forwardRef(function ReorderGroup({ as = 'ul', values, onReorder, axis, layoutScroll, ...rest }, ref) {
  return createElement(as, { ...rest, ref });
});

/** One tab: a list item (`as`, `li` by default) without the drag props. */
const Item = forwardRef(function ReorderItem({ as = 'li', value, dragListener, dragControls, layout, ...rest }, ref) {
  return createElement(as, { ...rest, ref });
});

export const Reorder = { Group, Item };
