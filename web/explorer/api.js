// The explorer's GraphQL: every query it sends, and one function that sends them.
//
// The queries are written out in full (no string building) so that "Copy as GraphQL" shows
// exactly what the page asked, and a front-end developer can paste it into the playground.

/** The GraphQL endpoint, on the same origin as this page. */
const ENDPOINT = '/graphql';

/** Results as you type: any kind of entity, with what the list shows of each. */
export const SEARCH_QUERY = `query ExplorerSearch($text: String!) {
  search(text: $text, first: 12) {
    __typename
    ... on Node { id }
    ... on Actor { name kind }
    ... on Place { name kind }
    ... on Event { title kind when { text } }
    ... on Agreement { title kind }
    ... on Statement { text quote when { text } speaker { name } }
    ... on Source { title published publisher document }
  }
}`;

/** What surrounds an entity, for drawing: labels of every node, and the links. */
export const NEIGHBORHOOD_QUERY = `query ExplorerNeighborhood($id: ID!, $depth: Int, $limit: Int) {
  neighborhood(id: $id, depth: $depth, limit: $limit) {
    nodes {
      __typename
      id
      ... on Actor { name kind }
      ... on Place { name kind }
      ... on Event { title kind when { text start end precision } }
      ... on Agreement { title kind }
      ... on Statement { text quote when { text } speaker { name } }
      ... on Source { title published publisher document }
    }
    links { from to kind }
    truncated
  }
}`;

/** At most this many events of a place (and of the places inside it) are drawn with it. */
export const PLACE_EVENTS_FIRST = 60;

/**
 * The events at a place and at the places inside it (the panel's "Events here"), with where
 * each is held: drawing a place draws these too, so the drawing and the panel agree.
 */
export const PLACE_EVENTS_QUERY = `query ExplorerPlaceEvents($id: ID!, $first: Int) {
  node(id: $id) {
    __typename
    id
    ... on Place {
      events(orderBy: DATE_ASC, first: $first) {
        totalCount
        nodes {
          __typename
          id
          title
          kind
          when { text start end precision }
          place { __typename id name kind containedIn { id } }
        }
      }
    }
  }
}`;

/**
 * The events, agreements and statements the reports had told by a day (knowledge time: one of
 * their sources was published on or before it): the "known by" filter hides the others.
 */
export const KNOWN_BY_QUERY = `query ExplorerKnownBy($day: Date!) {
  events(filter: { knownBy: $day }, first: 100) { totalCount nodes { id } }
  agreements(filter: { knownBy: $day }, first: 100) { totalCount nodes { id } }
  statements(filter: { knownBy: $day }, first: 100) { totalCount nodes { id } }
}`;

/** Where the drawn events and places are, for the map view. */
export const MAP_QUERY = `query ExplorerMap($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    id
    ... on Place { name latitude longitude }
    ... on Event { place { id name latitude longitude } }
  }
}`;

/** The fields of a source as the details panel cites it. */
const CITE = 'sources { id title published }';

/**
 * The shortest chain of facts between two entities, each entity with what the drawing labels
 * it by and the reports its facts rest on (an event's with each participant's own sources).
 */
export const PATH_QUERY = `query ExplorerPath($from: ID!, $to: ID!) {
  path(from: $from, to: $to) {
    hops
    steps {
      link
      forward
      node {
        __typename
        id
        ... on Actor { name kind ${CITE} }
        ... on Place { name kind ${CITE} }
        ... on Event {
          title
          kind
          when { text start end precision }
          ${CITE}
          participants { actor { id } ${CITE} }
        }
        ... on Agreement { title kind ${CITE} }
        ... on Statement { text quote when { text } speaker { name } ${CITE} }
      }
    }
  }
}`;

/** The details panel's query for each kind of entity, by GraphQL type name. */
export const DETAILS_QUERIES = {
  Actor: `query ActorDetails($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Actor {
      name
      aliases
      kind
      summary
      country { id name }
      positions {
        title
        organization { id name }
        start
        end
        asOf
        ${CITE}
      }
      events(orderBy: DATE_ASC, first: 100) {
        totalCount
        nodes { id title kind when { text precision } }
        facets {
          kinds { kind count }
          countries(first: 5) { place { id name } count }
          participants(first: 6) { actor { id name } count }
        }
      }
      agreements(first: 100) {
        totalCount
        nodes { id title kind status amount { amount currency } }
      }
      statements(first: 100) {
        totalCount
        nodes { id text quote when { text precision } }
      }
      counterparts(first: 10) { sharedEvents actor { id name } }
      ${CITE}
      notes { text ${CITE} }
    }
  }
}`,
  Event: `query EventDetails($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Event {
      title
      kind
      mode
      status
      summary
      topics
      when { text precision start end }
      place { id name kind containedIn { id name } }
      partOf { id title when { text precision } }
      parts { id title when { text precision } }
      participants {
        role
        actor { id name kind }
        ${CITE}
      }
      agreements {
        id
        title
        kind
        status
        amount { amount currency }
        ${CITE}
      }
      statements {
        id
        text
        quote
        speaker { id name }
        when { text precision }
        ${CITE}
      }
      ${CITE}
      notes { text ${CITE} }
    }
  }
}`,
  Agreement: `query AgreementDetails($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Agreement {
      title
      kind
      status
      summary
      topics
      when { text precision start end }
      amount { amount currency }
      durationMonths
      event { id title when { text precision } }
      parties { id name kind }
      signatories { id name kind }
      ${CITE}
      notes { text ${CITE} }
    }
  }
}`,
  Place: `query PlaceDetails($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Place {
      name
      aliases
      kind
      code
      latitude
      longitude
      containedIn { id name kind }
      contains { id name kind }
      events(orderBy: DATE_ASC, first: 100) {
        totalCount
        nodes { id title kind when { text precision } }
        facets {
          kinds { kind count }
          countries(first: 5) { place { id name } count }
          participants(first: 6) { actor { id name } count }
        }
      }
      ${CITE}
      notes { text ${CITE} }
    }
  }
}`,
  Statement: `query StatementDetails($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Statement {
      text
      quote
      channel
      when { text precision start end }
      speaker { id name }
      about { id title when { text precision } }
      respondsTo { id text speaker { name } }
      responses { id text speaker { name } }
      ${CITE}
    }
  }
}`,
  Source: `query SourceDetails($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Source {
      outlet
      publisher
      credits
      title
      published
      document
      note
      factCount
    }
  }
}`,
};

/**
 * The month chart's query: how many of the drawn events (by id) start in each month (the
 * API's own timeline, empty months included), the range the date brush spans.
 */
export const DRAWN_TIMELINE_QUERY = `query ExplorerDrawnTimeline($ids: [ID!]) {
  events(filter: { ids: $ids }, first: 0) {
    totalCount
    timeline(bucket: MONTH) { label start count imprecise }
  }
}`;

/** The GraphQL type of an entity, read from its readable id ("event:..." is an Event). */
export function typeOfId(id) {
  const prefix = String(id).split(':', 1)[0];
  const type = prefix.charAt(0).toUpperCase() + prefix.slice(1);
  return Object.prototype.hasOwnProperty.call(DETAILS_QUERIES, type) ? type : null;
}

/** An answer with errors, or one the server could not give. */
export class GraphQLError extends Error {}

/**
 * Sends one query and returns its `data`; throws a GraphQLError that quotes the server's
 * first error message when the answer has errors or is not GraphQL at all.
 */
export async function request(query, variables, signal) {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: {
      Accept: 'application/graphql-response+json, application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ query, variables }),
    credentials: 'same-origin',
    signal,
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GraphQLError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  if (body.errors && body.errors.length) {
    throw new GraphQLError(body.errors.map((e) => e.message).join('; '));
  }
  if (!body.data) throw new GraphQLError(`HTTP ${response.status}: no data`);
  return body.data;
}

/** The playground's address with a query and its variables in its editors. */
export function playgroundUrl(query, variables) {
  const params = new URLSearchParams({ query });
  if (variables) params.set('variables', JSON.stringify(variables, null, 2));
  return `/?${params.toString()}`;
}
