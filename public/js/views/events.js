// The events list: what is on sale and how much is left.

import * as api from "../api.js";
import { dateTime, h } from "../format.js";

export async function renderEvents(root) {
  root.append(h("h1", {}, "Events"), h("p", { class: "muted" }, "Pick an event to see its seat map and book."));
  const list = h("div", { class: "grid", "data-testid": "events" });
  root.append(list);
  const events = await api.events();
  if (!events.length) list.append(h("p", {}, "Nothing is on sale yet."));
  for (const event of events) {
    const seats = event.seats_total ? `${event.seats_available} of ${event.seats_total} seats left` : "";
    const ga = event.ga_available ? `${event.ga_available} standing tickets left` : "";
    list.append(h("article", { class: "card event-card", "data-event-id": event.id },
      h("h2", {}, h("a", { href: `#/events/${event.id}` }, event.title)),
      h("p", { class: "meta" }, `${event.venue} · ${dateTime(event.starts_at)}`),
      h("p", {}, [seats, ga].filter(Boolean).join(" · ")),
      h("a", { class: "button", href: `#/events/${event.id}` }, "Choose seats")));
  }
}
