// The explorer's live updates: `Subscription.changes` over graphql-transport-ws at
// /graphql/ws, by hand (the protocol's five messages; the graphql-ws client would add about
// 4 KB compressed for what this page uses of it). A lost connection is opened again, with a
// growing pause, and reported as `onReconnect` (changes may have been missed meanwhile).

/** What the explorer asks of each change: which records it touched. */
export const CHANGES_SUBSCRIPTION = `subscription ExplorerChanges {
  changes { id kind ids snapshot }
}`;

/** The longest pause before opening a lost connection again, in milliseconds. */
const MAX_PAUSE_MS = 30_000;

/**
 * Follows the server's changes: `onChange(change)` for each ({ id, kind, ids, snapshot }),
 * `onReconnect()` when a connection that was lost is back. Returns a function that stops.
 */
export function followChanges({ onChange, onReconnect }) {
  let socket = null;
  let stopped = false;
  let pause = 1000;
  let timer = null;
  let connectedBefore = false;

  const open = () => {
    const url = new URL('/graphql/ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url.href, 'graphql-transport-ws');
    socket = ws;
    const send = (message) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
    ws.onopen = () => send({ type: 'connection_init', payload: {} });
    ws.onmessage = (e) => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      if (message.type === 'connection_ack') {
        pause = 1000;
        send({ id: '1', type: 'subscribe', payload: { query: CHANGES_SUBSCRIPTION } });
        if (connectedBefore && onReconnect) onReconnect();
        connectedBefore = true;
      } else if (message.type === 'ping') {
        send({ type: 'pong' });
      } else if (message.type === 'next' && message.payload && message.payload.data && message.payload.data.changes) {
        onChange(message.payload.data.changes);
      } else if (message.type === 'error' || message.type === 'complete') {
        ws.close();
      }
    };
    ws.onclose = () => {
      if (stopped || socket !== ws) return;
      timer = setTimeout(open, pause);
      pause = Math.min(MAX_PAUSE_MS, pause * 2);
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (socket) socket.close();
  };
}
