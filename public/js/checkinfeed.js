// An event's check-in figures, live: a WebSocket of its own to /api/ws that signs in with the token it is given (the
// organizer's, or door staff's) and subscribes to the `checkins` topic, whose frames
// { type: "checkins", event_id, expected, checked_in, gates: [{ gate, checked_in }], at } come at most once a second
// (the latest at once on subscribing). Reconnects with backoff until stopped; the app's shared socket keeps the
// customer's own sign-in.

export class CheckinFeed {
  /** onFrame(figures); onState(state, detail) with state "connecting", "live", "offline" or "refused". */
  constructor(eventId, token, onFrame, onState = () => {}) {
    this.eventId = eventId;
    this.token = token;
    this.onFrame = onFrame;
    this.onState = onState;
    this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/ws`;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.timer = 0;
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    this.onState("connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      socket.send(JSON.stringify({ action: "auth", token: this.token }));
      socket.send(JSON.stringify({ action: "subscribe", checkins: this.eventId }));
    };
    socket.onmessage = (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch { return; }
      if (data.type === "checkins" && data.event_id === this.eventId) this.onFrame(data);
      else if (data.type === "subscribed" && data.checkins === this.eventId) this.onState("live");
      else if (data.type === "error") this.onState("refused", data.detail);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.onState("offline");
      const delay = Math.min(15000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt += 1;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }
}
