// The WebSocket to /api/ws: reconnects by itself with backoff, signs in with the session's token and re-sends
// its subscriptions after each reconnect, and hands every message to the listeners of its type.

import * as session from "./session.js";

export class Live {
  constructor(url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/ws`) {
    this.url = url;
    this.listeners = new Map();
    this.topics = new Map();
    this.attempt = 0;
    this.state = "connecting";
    this.socket = null;
    this.heardAt = 0;
  }

  /** Connects, and pings every 25 s; a connection that answers nothing within 10 s of a ping is
   * closed and replaced, so a socket that died silently (sleep, a network change) does not stay "live". */
  start() {
    this.connect();
    setInterval(() => {
      if (this.socket?.readyState !== WebSocket.OPEN) return;
      const asked = Date.now();
      this.send({ action: "ping" });
      setTimeout(() => { if (this.heardAt < asked && this.socket?.readyState === WebSocket.OPEN) this.socket.close(); }, 10000);
    }, 25000);
  }

  connect() {
    this.setState("connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState("live");
      this.authenticate();
      for (const topic of this.topics.values()) this.send({ action: "subscribe", ...topic.body });
    };
    socket.onmessage = (message) => {
      this.heardAt = Date.now();
      let data;
      try { data = JSON.parse(message.data); } catch { return; }
      for (const listener of this.listeners.get(data.type) || []) listener(data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.setState("offline");
      const delay = Math.min(15000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt += 1;
      setTimeout(() => this.connect(), delay);
    };
  }

  /** Tells the server who watches, so the customer's own bookings and wallet can be watched (after a sign-in too). */
  authenticate() {
    const token = session.accessToken();
    if (token) this.send({ action: "auth", token });
  }

  setState(state) {
    this.state = state;
    for (const listener of this.listeners.get("connection") || []) listener({ state });
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Listens for messages of a type; returns the function that stops listening. */
  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type).delete(listener);
  }

  /** Watches an event ({ event_id }) or a customer ({ customer }); returns the function that stops watching. */
  subscribe(body) {
    const key = JSON.stringify(body);
    const topic = this.topics.get(key) || { body, count: 0 };
    topic.count += 1;
    this.topics.set(key, topic);
    if (topic.count === 1) this.send({ action: "subscribe", ...body });
    return () => {
      topic.count -= 1;
      if (topic.count > 0) return;
      this.topics.delete(key);
      this.send({ action: "unsubscribe", ...body });
    };
  }
}

/** The connection indicator in the header. */
export function showConnection(live, element) {
  const labels = { live: "live", connecting: "connecting…", offline: "offline, reconnecting" };
  live.on("connection", ({ state }) => {
    element.dataset.state = state;
    element.querySelector(".label").textContent = labels[state];
  });
}
