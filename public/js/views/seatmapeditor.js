// The chosen event's seat map as text on the organizer's page: the `seat_map` of PATCH /api/events/{id}, read from
// the map the event has now (a row of one category as a block, a mixed row seat by seat, ranks and accessible seats
// kept), edited and saved. The server decides what may change — anything while no seat is held or sold; after that
// free seats only, while every taken seat keeps its place, label and category and the hall its size — and says what it
// refused.

import * as api from "../api.js";
import { h } from "../format.js";

/** "1-3,5" → [1, 2, 3, 5]. */
function numbersOf(text) {
  return text.split(",").flatMap((part) => {
    const [low, high = low] = part.split("-").map(Number);
    return Array.from({ length: high - low + 1 }, (_, offset) => low + offset);
  });
}

/** A label the block form reads back as itself: no range or list notation, no surrounding space. */
const plainLabel = (label) => label !== "" && !/[-,]/.test(label) && label.trim() === label;

/** One row of the seat map answer as the request describes it. */
function rowSpec(row, categories) {
  const options = { ...(row.accessible ? { accessible: row.accessible } : {}), ...(row.rank != null ? { rank: row.rank } : {}) };
  if (row.category && plainLabel(row.label)) return { rows: row.label, seats: row.numbers, category: row.category, ...options };
  const seats = numbersOf(row.numbers).map((number, index) => ({
    number, category: row.category ?? categories[parseInt(row.categories[index], 36)].id,
  }));
  return { label: row.label, seats, ...options };
}

/** A seat map answer (GET /api/events/{id}/seats) as the `seat_map` a PATCH sends back unchanged. */
export function seatMapSpec(map) {
  return {
    sections: map.sections.map((section) => ({
      name: section.name, ...(section.rank != null ? { rank: section.rank } : {}), rows: section.rows.map((row) => rowSpec(row, map.categories)),
    })),
  };
}

/** The form; `open(event)` reads the event's map into it, `close()` hides it; `onSaved(event)` hears the event saved. */
export function seatMapEditor(access, onSaved) {
  const text = h("textarea", { id: "seatmap-text", rows: "14", spellcheck: "false", class: "seatmap-text", "data-testid": "seatmap-text" });
  const message = h("div", { "aria-live": "polite", "data-testid": "seatmap-message" });
  const say = (kind, words, testid) => message.replaceChildren(h("p", { class: `notice ${kind}`, ...(testid ? { "data-testid": testid } : {}) }, words));
  const saveButton = h("button", { type: "submit", "data-testid": "seatmap-save" }, "Save seat map");
  const element = h("form", { class: "seatmap-edit", "data-testid": "seatmap-form", hidden: true, onsubmit: (submitted) => {
    submitted.preventDefault();
    save();
  } },
  h("label", { for: "seatmap-text" }, "Seat map"), text,
  h("p", { class: "muted hint" }, "Sections of rows, as when the event was made: a row of one category as a block ",
    "(\"rows\", \"seats\", \"category\"), a mixed one seat by seat (\"label\", \"seats\"). While no seat is held or sold, the map may ",
    "change in any way. After that, seats may change category and rows or sections their names only where nothing is held or ",
    "sold, and the number of seats stays."),
  h("div", { class: "row" }, saveButton,
    h("button", { type: "button", class: "secondary", "data-testid": "seatmap-close", onclick: () => close() }, "Discard")),
  message);
  let eventId = null;

  async function open(event) {
    eventId = event.id;
    message.replaceChildren();
    try {
      const map = await api.seatMap(event.id, access.token());
      if (eventId !== event.id) return;
      text.value = JSON.stringify(seatMapSpec(map), null, 2);
      element.hidden = false;
      text.focus();
    } catch (error) {
      element.hidden = false;
      say("bad", access.refusal(error));
    }
  }

  function close() {
    element.hidden = true;
    eventId = null;
  }

  async function save() {
    let seatMap;
    try {
      seatMap = JSON.parse(text.value);
    } catch (error) {
      say("bad", `The seat map is not JSON: ${error.message}`);
      return;
    }
    const saving = eventId;
    saveButton.disabled = true;
    try {
      const updated = await api.updateEvent(saving, { seat_map: seatMap }, access.token());
      if (eventId !== saving) return;
      say("ok", `Seat map saved: ${updated.seats_total.toLocaleString()} seats.`, "seatmap-saved");
      onSaved(updated);
    } catch (error) {
      say("bad", access.refusal(error), "seatmap-refused");
    } finally {
      saveButton.disabled = false;
    }
  }

  return { element, open, close };
}
