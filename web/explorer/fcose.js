// The force-directed layout, in a chunk of its own (see `loadLayout` in graph.js).
export { default } from 'cytoscape-fcose';
