// Keeps one event's SeatModel in step with the server: subscribe first, then read the map, then apply each
// delta whose range of versions (from_version, version] starts at or before the model's version and ends after
// it; a delta that starts after it (missed messages) reads the map again.

import { seatMap } from "./api.js";
import { SeatModel } from "./seatmodel.js";

export class EventFeed {
  /** onChange(model, changedIndexes | null) — null when the whole model was replaced. `token()`, when given, is the
   * bearer the map is read with (an organizer's pasted token, for a draft); "" for the session's. */
  constructor(live, eventId, onChange, token = () => "") {
    this.live = live;
    this.eventId = eventId;
    this.onChange = onChange;
    this.token = token;
    this.model = null;
    this.loading = false;
    this.again = false;
    this.stopped = false;
    this.queued = [];
    this.stops = [
      live.on("subscribed", (message) => {
        if (message.event_id !== eventId) return;
        if (!this.model || message.version !== this.model.version || message.epoch !== this.model.epoch) this.reload();
      }),
      live.on("inventory", (message) => { if (message.event_id === eventId) this.receive(message); }),
      live.subscribe({ event_id: eventId }),
    ];
  }

  /** Reads the map now (also before the socket is up); a reload asked for during a read runs after it. */
  async reload() {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    let map;
    try {
      map = await seatMap(this.eventId, this.token());
    } catch (error) {
      this.loading = false;
      if (!this.stopped) setTimeout(() => this.reload(), 1000);
      if (!this.model) throw error;
      return;
    }
    this.loading = false;
    if (this.stopped) return;
    if (!this.model || map.version !== this.model.version || map.epoch !== this.model.epoch) this.model = new SeatModel(map);
    const queued = this.queued.filter((delta) => delta.epoch === this.model.epoch && delta.version > this.model.version)
      .sort((a, b) => a.version - b.version);
    this.queued = [];
    this.onChange(this.model, null);
    if (this.again) {
      this.again = false;
      this.reload();
      return;
    }
    for (const delta of queued) this.receive(delta);
  }

  receive(delta) {
    if (this.stopped) return;
    if (this.loading || !this.model) {
      this.queued.push(delta);
      return;
    }
    if (delta.epoch !== this.model.epoch) {
      this.reload();
      return;
    }
    if (delta.version <= this.model.version) return;
    if (delta.from_version > this.model.version) {
      this.reload();
      return;
    }
    this.onChange(this.model, this.model.apply(delta));
  }

  stop() {
    this.stopped = true;
    for (const stop of this.stops) stop();
  }
}
