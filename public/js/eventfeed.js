// Keeps one event's SeatModel in step with the server: subscribe first, then read the map, then apply
// each delta whose version follows the model's; a gap in versions (missed messages) reads the map again.

import { seatMap } from "./api.js";
import { SeatModel } from "./seatmodel.js";

export class EventFeed {
  /** onChange(model, changedIndexes | null) — null when the whole model was replaced. */
  constructor(live, eventId, onChange) {
    this.live = live;
    this.eventId = eventId;
    this.onChange = onChange;
    this.model = null;
    this.loading = false;
    this.queued = [];
    this.stops = [
      live.on("subscribed", (message) => { if (message.event_id === eventId) this.reload(); }),
      live.on("inventory", (message) => { if (message.event_id === eventId) this.receive(message); }),
      live.subscribe({ event_id: eventId }),
    ];
  }

  /** Reads the map now (also works before the socket is up). */
  async reload() {
    if (this.loading) return;
    this.loading = true;
    try {
      const map = await seatMap(this.eventId);
      if (!this.model || map.version !== this.model.version || map.event_id !== this.model.eventId) {
        this.model = new SeatModel(map);
      }
      const queued = this.queued.filter((delta) => delta.version > this.model.version).sort((a, b) => a.version - b.version);
      this.queued = [];
      this.loading = false;
      this.onChange(this.model, null);
      for (const delta of queued) this.receive(delta);
    } catch (error) {
      this.loading = false;
      throw error;
    }
  }

  receive(delta) {
    if (this.loading || !this.model) {
      this.queued.push(delta);
      return;
    }
    if (delta.version <= this.model.version) return;
    if (delta.version !== this.model.version + 1) {
      this.reload();
      return;
    }
    this.onChange(this.model, this.model.apply(delta));
  }

  stop() {
    for (const stop of this.stops) stop();
  }
}
