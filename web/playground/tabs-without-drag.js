// What @graphiql/react 0.29 uses of framer-motion: `Reorder.Group` and `Reorder.Item`, the
// tab bar and its tabs, which the user drags into another order. Handed to @graphiql/react
// by web/build.mjs instead of framer-motion (about 100 KB of the bundle with the packages it
// brings): the same list and items, reordered by dragging a tab along the bar with pointer
// events (no animation: a tab takes its new place as the pointer crosses another one).
import { createContext, createElement, forwardRef, useContext, useRef } from 'react';

/** The pointer must move this far, in pixels, before a press on a tab becomes a drag. */
const DRAG_PX = 6;

/** What the tabs of one bar share: the latest values and onReorder, and the drag under way. */
const Bar = createContext(null);

/** The tab bar: a list element (`as`, `ul` by default) whose items can be dragged in order. */
const Group = forwardRef(function ReorderGroup({ as = 'ul', values, onReorder, axis, layoutScroll, children, ...rest }, ref) {
  const latest = useRef({ values, onReorder });
  latest.current = { values, onReorder };
  const bar = useRef({ latest, drag: null }).current;
  return createElement(Bar.Provider, { value: bar }, createElement(as, { ...rest, ref }, children));
});

/** One tab: a list item (`as`, `li` by default) that a press and a drag move along the bar. */
const Item = forwardRef(function ReorderItem({ as = 'li', value, dragListener, dragControls, layout, children, ...rest }, ref) {
  const bar = useContext(Bar);
  const onPointerDown = (e) => {
    if (rest.onPointerDown) rest.onPointerDown(e);
    if (!bar || e.button !== 0) return;
    bar.drag = { value, x: e.clientX, moved: false };
    const move = (ev) => {
      const d = bar.drag;
      if (!d || (!d.moved && Math.abs(ev.clientX - d.x) < DRAG_PX)) return;
      d.moved = true;
      const el = document.elementFromPoint(ev.clientX, ev.clientY);
      const over = el && el.closest('[data-reorder-index]');
      if (!over) return;
      const { values, onReorder } = bar.latest.current;
      const from = values.indexOf(d.value);
      const to = Number(over.dataset.reorderIndex);
      if (from < 0 || to === from || !(to >= 0 && to < values.length)) return;
      const next = values.slice();
      next.splice(from, 1);
      next.splice(to, 0, d.value);
      onReorder(next);
    };
    const up = () => {
      bar.drag = null;
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const index = bar ? bar.latest.current.values.indexOf(value) : -1;
  return createElement(as, { ...rest, ref, onPointerDown, 'data-reorder-index': index }, children);
});

export const Reorder = { Group, Item };
