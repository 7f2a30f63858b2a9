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
      return statementLabel(node);
    case 'Source':
      return sourceLabel(node);
    default:
      return node.id;
  }
}

/**
 * A statement by its own words and its date: "“Now more than ever, a good neighbor…” · 2023-12-27"
 * (quotation marks only around the speaker's own words, not around a paraphrase).
 * A paraphrase that opens with its speaker ("López Obrador argued that …") loses that opening,
 * which every statement of one speaker shares.
 */
export function statementLabel(node, max = 38) {
  const words = clip(withoutSpeaker(String(node.text || ''), node.speaker && node.speaker.name), max);
  const day = node.when && node.when.text ? node.when.text.split('/')[0] : '';
  return [node.quote === false ? words : `“${words}”`, day].filter(Boolean).join(' · ');
}

/** `text` without an opening that names `speaker` ("Harris said that"), when it has one. */
function withoutSpeaker(text, speaker) {
  if (!speaker) return text;
  const names = speaker
    .split(/\s+/)
    .filter((w) => w.length > 3)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!names.length) return text;
  const opening = new RegExp(`^(?:${names.join('|')})(?=\\s)(?:\\s+\\S+){0,6}?\\s+that\\s+`, 'u');
  const bare = new RegExp(`^(?:(?:${names.join('|')})\\s*)+`, 'u');
  const rest = text.replace(opening, '');
  if (rest !== text) return rest.charAt(0).toUpperCase() + rest.slice(1);
  const bareRest = text.replace(bare, '').trim();
  return bareRest ? bareRest.charAt(0).toUpperCase() + bareRest.slice(1) : text;
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
