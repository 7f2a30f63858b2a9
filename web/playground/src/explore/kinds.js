// How each kind of entity looks, in the drawing and in the page: one table for both.

/** Colour, cytoscape shape and readable name of each GraphQL type. */
export const KINDS = {
  Actor: { label: 'Actor', color: '#2563eb', shape: 'ellipse', size: 30 },
  Event: { label: 'Event', color: '#c2410c', shape: 'round-rectangle', size: 30 },
  Place: { label: 'Place', color: '#15803d', shape: 'round-triangle', size: 28 },
  Agreement: { label: 'Agreement', color: '#7e22ce', shape: 'round-hexagon', size: 30 },
  Statement: { label: 'Statement', color: '#0e7490', shape: 'round-diamond', size: 26 },
  Source: { label: 'Source', color: '#6b7280', shape: 'round-tag', size: 18 },
};

/** The order kinds are listed in (legend, search results). */
export const KIND_ORDER = ['Actor', 'Event', 'Place', 'Agreement', 'Statement', 'Source'];

/** A node's full label: an entity's name, title or text. */
export function labelOf(node) {
  switch (node.__typename) {
    case 'Actor':
    case 'Place':
      return node.name;
    case 'Event':
    case 'Agreement':
      return node.title;
    case 'Statement':
      return node.speaker ? `${node.speaker.name}: “${node.text}”` : node.text;
    case 'Source':
      return sourceLabel(node);
    default:
      return node.id;
  }
}

/** A report by what tells it apart from the others: its date, then its title (cut to `max`). */
export function sourceLabel(source, max = Infinity) {
  return [source.published, clip(source.title, max)].filter(Boolean).join(' · ') || source.id;
}

/** A string cut to `max` characters, with an ellipsis when cut. */
export function clip(text, max) {
  const s = String(text || '');
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** An enum value for reading: IN_PERSON -> in person. */
export function words(value) {
  return value ? String(value).toLowerCase().replace(/_/g, ' ') : '';
}
