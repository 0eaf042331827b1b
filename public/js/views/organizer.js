// The organizer's page: create an event (or a draft) from a compact layout, watch any event's sales live, edit,
// publish or cancel it, export its buyers, chart its sales, search its orders and refund them, and run its waiting room
// and door. The webhooks are a section of their own (webhooks.js), linked from the top.

import * as api from "../api.js";
import { EventFeed } from "../eventfeed.js";
import { dateTime, h, money } from "../format.js";
import { SeatMapView } from "../seatmap.js";
import { SOLD } from "../seatmodel.js";
import { CheckinFeed } from "../checkinfeed.js";
import { organizerAccess } from "./organizeraccess.js";
import { organizerNav } from "./organizernav.js";
import { ordersCard } from "./orders.js";
import { eventAdmin } from "./eventadmin.js";
import { salesCharts } from "./salescharts.js";

/** How many labels a range such as "A-J", "1-20" or "5" names; NaN when it cannot tell. */
function rangeSize(text) {
  return text.split(",").reduce((sum, part) => {
    const [from, to = from] = part.trim().split("-").map((value) => value.trim());
    if (/^\d+$/.test(from) && /^\d+$/.test(to)) return sum + Number(to) - Number(from) + 1;
    if (/^[A-Za-z]$/.test(from) && /^[A-Za-z]$/.test(to)) return sum + to.toUpperCase().charCodeAt(0) - from.toUpperCase().charCodeAt(0) + 1;
    return NaN;
  }, 0);
}

/** An event as the picker lists it: its title and id, and whether it is a draft or cancelled. */
function optionLabel(event) {
  const state = { draft: " · draft", cancelled: " · cancelled" }[event.phase] || "";
  return `${event.title} (#${event.id})${state}`;
}

function tomorrowEvening() {
  const date = new Date(Date.now() + 86400000);
  date.setHours(19, 0, 0, 0);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export async function renderOrganizer(root, { live }) {
  root.append(h("h1", {}, "Organizer"), organizerNav("#/organizer"));
  // A pasted token changes what the door, the orders and the charts may show, and which events are listed (drafts too).
  const access = organizerAccess(() => {
    const eventId = doorEvent;
    if (eventId) api.event(eventId, access.token()).then((event) => { if (eventId === doorEvent) watchDoor(event); }).catch(() => {});
    orders.refresh();
    charts.refresh();
    listEvents().catch(() => {});
  });
  root.append(access.element);

  const categories = h("div");
  const sections = h("div");
  const pools = h("div");
  const seatCount = h("span", { "data-testid": "seat-count" });
  const message = h("div", { "aria-live": "polite" });
  const field = (id, label, attributes) => [h("label", { for: id }, label), h("input", { id, ...attributes })];

  function input(attributes) {
    return h("input", { oninput: recount, ...attributes });
  }

  function categoryRow(id = "", name = "", price = "") {
    const line = h("div", { class: "row category" },
      input({ "aria-label": "Category id", placeholder: "id", value: id, class: "category-id", style: "width:6rem" }),
      input({ "aria-label": "Category name", placeholder: "name", value: name, class: "category-name" }),
      input({ "aria-label": "Price", placeholder: "price", value: price, type: "number", step: "0.01", min: "0", class: "category-price", style: "width:7rem" }),
      h("button", { type: "button", class: "danger", onclick: () => { line.remove(); recount(); } }, "Remove"));
    categories.append(line);
  }

  function blockRow(list, rows = "", seats = "", category = "", accessible = "") {
    const line = h("div", { class: "row block" },
      input({ "aria-label": "Rows", placeholder: "rows, e.g. A-J", value: rows, class: "block-rows", style: "width:8rem" }),
      h("span", {}, "×"),
      input({ "aria-label": "Seats per row", placeholder: "seats, e.g. 1-20", value: seats, class: "block-seats", style: "width:8rem" }),
      input({ "aria-label": "Category id", placeholder: "category id", value: category, class: "block-category", style: "width:7rem" }),
      input({ "aria-label": "Accessible seats in each row", placeholder: "accessible, e.g. 1-2", value: accessible, class: "block-accessible", style: "width:9rem" }),
      h("button", { type: "button", class: "danger", onclick: () => { line.remove(); recount(); } }, "Remove"));
    list.append(line);
  }

  function sectionRow(name = "", blocks = [], rank = "") {
    const list = h("div");
    const box = h("fieldset", { class: "section" },
      h("legend", {}, "Section"),
      input({ "aria-label": "Section name", placeholder: "section name", value: name, class: "section-name" }),
      input({ "aria-label": "Rank of the section's front row", placeholder: "rank (0 best)", value: rank, type: "number", min: "0",
        class: "section-rank", style: "width:8rem" }),
      list,
      h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", onclick: () => blockRow(list) }, "Add rows"),
        h("button", { type: "button", class: "danger", onclick: () => { box.remove(); recount(); } }, "Remove section")));
    for (const block of blocks) blockRow(list, ...block);
    sections.append(box);
  }

  function poolRow(name = "", price = "", capacity = "") {
    const line = h("div", { class: "row pool" },
      input({ "aria-label": "Pool name", placeholder: "name", value: name, class: "pool-name" }),
      input({ "aria-label": "Pool price", placeholder: "price", value: price, type: "number", step: "0.01", min: "0", class: "pool-price", style: "width:7rem" }),
      input({ "aria-label": "Capacity", placeholder: "capacity", value: capacity, type: "number", min: "1", class: "pool-capacity", style: "width:7rem" }),
      h("button", { type: "button", class: "danger", onclick: () => { line.remove(); } }, "Remove"));
    pools.append(line);
  }

  function recount() {
    let total = 0;
    for (const block of sections.querySelectorAll(".block")) {
      total += rangeSize(block.querySelector(".block-rows").value) * rangeSize(block.querySelector(".block-seats").value);
    }
    seatCount.textContent = Number.isNaN(total) ? "?" : String(total);
  }

  categoryRow("std", "Standard", "50.00");
  categoryRow("vip", "VIP", "120.00");
  sectionRow("Stalls", [["A-J", "1-20", "std"]]);
  sectionRow("Balcony", [["A-C", "1-16", "vip"]], "6");
  poolRow("Standing", "25.00", "200");
  recount();

  const form = h("form", { class: "card", "data-testid": "create-event", onsubmit: async (event) => {
    event.preventDefault();
    // "Save as draft" makes an event only organizers see, put on show later with Publish.
    const draft = event.submitter?.dataset.testid === "create-draft";
    const value = (id) => form.querySelector(`#${id}`).value.trim();
    const body = {
      ...(draft ? { status: "draft" } : {}),
      title: value("event-title"),
      venue: value("event-venue"),
      description: value("event-description"),
      starts_at: new Date(value("event-starts")).toISOString(),
      hold_ttl_seconds: Math.round(Number(value("event-hold")) * 60),
      currency: value("event-currency"),
      // Empty "Tickets per customer" means no cap (null); empty "per address" leaves the server's default.
      max_tickets_per_customer: value("event-customer-cap") === "" ? null : Number(value("event-customer-cap")),
      ...(value("event-address-cap") === "" ? {} : { held_per_address: Number(value("event-address-cap")) }),
      orphan_rule: form.querySelector("#event-orphan-rule").value,
      // Empty: customers may not cancel (an organizer may still refund).
      ...(value("event-cancel-until") === "" ? {} : { cancellation_cutoff: new Date(value("event-cancel-until")).toISOString() }),
      // A waiting room from the server's defaults; its settings are changed under Waiting room below.
      ...(form.querySelector("#event-queue").checked ? { queue: {} } : {}),
      categories: [...categories.querySelectorAll(".category")].map((line) => ({
        id: line.querySelector(".category-id").value.trim(),
        name: line.querySelector(".category-name").value.trim(),
        price_minor: Math.round(Number(line.querySelector(".category-price").value) * 100),
      })),
      seat_map: { sections: [...sections.querySelectorAll(".section")].map((box) => ({
        name: box.querySelector(".section-name").value.trim(),
        ...(box.querySelector(".section-rank").value === "" ? {} : { rank: Number(box.querySelector(".section-rank").value) }),
        rows: [...box.querySelectorAll(".block")].map((line) => ({
          rows: line.querySelector(".block-rows").value.trim(),
          seats: line.querySelector(".block-seats").value.trim(),
          category: line.querySelector(".block-category").value.trim(),
          ...(line.querySelector(".block-accessible").value.trim() === "" ? {} : { accessible: line.querySelector(".block-accessible").value.trim() }),
        })),
      })) },
      ga_pools: [...pools.querySelectorAll(".pool")].map((line) => ({
        name: line.querySelector(".pool-name").value.trim(),
        price_minor: Math.round(Number(line.querySelector(".pool-price").value) * 100),
        capacity: Number(line.querySelector(".pool-capacity").value),
      })),
    };
    try {
      const created = await api.createEvent(body, access.token());
      message.replaceChildren(h("p", { class: "notice ok", "data-testid": "created", "data-event-id": String(created.id), "data-status": created.status },
        created.status === "draft"
          ? `Saved “${created.title}” as a draft with ${created.seats_total} seats: only organizers see it until it is published (below). `
          : `Created “${created.title}” with ${created.seats_total} seats. `,
        h("a", { href: `#/events/${created.id}` }, "Open its page")));
      await refreshEvents(created.id);
    } catch (error) {
      message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    }
  } },
  h("h2", { style: "margin-top:0" }, "New event"),
  ...field("event-title", "Title", { required: true, maxlength: "200" }),
  ...field("event-venue", "Venue", { required: true, maxlength: "200" }),
  ...field("event-description", "Description", { maxlength: "2000", style: "width:100%" }),
  h("div", { class: "row" },
    h("div", {}, ...field("event-starts", "Starts at", { type: "datetime-local", required: true, value: tomorrowEvening() })),
    h("div", {}, ...field("event-hold", "Hold time (minutes)", { type: "number", min: "1", max: "60", value: "10", style: "width:6rem" })),
    h("div", {}, ...field("event-currency", "Currency", { value: "EUR", maxlength: "3", style: "width:5rem" })),
    h("div", {}, ...field("event-cancel-until", "Customers may cancel until", { type: "datetime-local", "aria-describedby": "event-cancel-hint",
      "data-testid": "cancel-until" }))),
  h("p", { id: "event-cancel-hint", class: "muted hint" },
    "Until then a customer may cancel a paid booking for a refund of all of it; empty, only the organizer refunds."),
  h("div", { class: "row" },
    h("div", {}, ...field("event-customer-cap", "Tickets per customer", { type: "number", min: "1", step: "1", value: "10",
      class: "count-input", placeholder: "no cap", "aria-describedby": "event-caps-hint", "data-testid": "customer-cap-input" })),
    h("div", {}, ...field("event-address-cap", "Tickets held per address", { type: "number", min: "1", step: "1",
      class: "count-input", placeholder: "10 × per customer", "aria-describedby": "event-caps-hint", "data-testid": "address-cap-input" }))),
  h("p", { id: "event-caps-hint", class: "muted hint", "data-testid": "caps-hint" },
    "Tickets per customer: what one buyer may hold or buy in all (empty: no cap). ",
    "Tickets held per address: what all buyers behind one network address may hold at once (empty: ten times the first)."),
  h("label", { for: "event-orphan-rule" }, "Single seats left alone"),
  h("select", { id: "event-orphan-rule", "data-testid": "orphan-rule" },
    h("option", { value: "avoid", selected: true }, "Best available avoids them (default)"),
    h("option", { value: "refuse" }, "…and picks that strand a seat are refused"),
    h("option", { value: "off" }, "Allowed: best available takes the closest seats")),
  h("label", { class: "check" }, h("input", { id: "event-queue", type: "checkbox", "data-testid": "event-queue", "aria-describedby": "event-queue-hint" }),
    "Sell behind a waiting room"),
  h("p", { id: "event-queue-hint", class: "muted hint" },
    "Buyers join a queue and are let in a few at a time, each with some minutes to hold seats (by default 600 a minute, ",
    "10 minutes each, the queue opening 30 minutes before sales start). Change it under Waiting room once the event exists."),
  h("fieldset", {}, h("legend", {}, "Price categories"), categories,
    h("button", { type: "button", class: "secondary", onclick: () => categoryRow() }, "Add category")),
  h("fieldset", {}, h("legend", {}, "Seat map"), h("p", { class: "muted" }, "Rows like A-J or 1-12, seats like 1-20, the front row first; ", seatCount,
    " seats. A section's rank places its front row on the event's scale for best available (0 is best; each row behind one more)."), sections,
    h("button", { type: "button", class: "secondary", onclick: () => sectionRow() }, "Add section")),
  h("fieldset", {}, h("legend", {}, "General admission"), pools,
    h("button", { type: "button", class: "secondary", onclick: () => poolRow() }, "Add pool")),
  h("div", { class: "row" },
    h("button", { type: "submit", "data-testid": "create" }, "Create event"),
    h("button", { type: "submit", class: "secondary", "data-testid": "create-draft" }, "Save as draft")),
  message);
  root.append(form);

  const picker = h("select", { id: "sales-event", "data-testid": "sales-event", onchange: () => watch(Number(picker.value)) });
  const stats = h("div", { class: "stats", "data-testid": "sales" });
  const canvas = h("canvas", { class: "seatmap", style: "height:40vh" });
  const map = new SeatMapView(canvas, { selectable: false });
  root.append(h("h2", {}, "Sales, live"), h("div", { class: "card" },
    h("label", { for: "sales-event" }, "Event"), picker, stats, h("div", { class: "map-wrap", style: "margin-top:.75rem" }, canvas)));

  // The chosen event itself: its status and phase, Edit, Publish, Download buyers (CSV), Cancel event.
  const admin = eventAdmin(access, (event) => {
    const option = picker.querySelector(`option[value="${event.id}"]`);
    if (option) option.textContent = optionLabel(event);
    if (Number(picker.value) === event.id) for (const title of [queueTitle, ordersTitle, doorTitle]) title.textContent = `${event.title} (#${event.id})`;
    charts.show(event);
    // A new seat map (its seats may have new ids) is read whole.
    if (feed?.eventId === event.id) feed.reload();
  });
  root.append(h("h2", {}, "Event"), admin.element);

  // Its sales over time, drawn here from GET /api/events/{id}/stats.
  const charts = salesCharts(access);
  root.append(h("h2", {}, "Sales over time"), charts.element);

  // The chosen event's orders: search, filters, and each booking's detail with its refunds.
  const orders = ordersCard(access, live);
  const ordersTitle = h("span");
  root.append(h("h2", {}, "Orders"), h("p", { class: "muted" }, "Of ", ordersTitle,
    ". Search by the customer's email, the booking id (its first characters do) or a seat such as Stalls C 12; a row opens the booking."),
  orders.element);

  // The chosen event's waiting room: its numbers, read every 2 s, and its settings, changed while it runs.
  const queueTitle = h("span");
  const queueStats = h("div", { class: "stats", "data-testid": "queue-stats" });
  const queueEnabled = h("input", { id: "queue-enabled", type: "checkbox", "data-testid": "queue-enabled", onchange: () => { queueEdited = true; } });
  const queueRate = h("input", { id: "queue-rate", type: "number", min: "1", max: "1000000", step: "1", class: "count-input", "data-testid": "queue-rate",
    oninput: () => { queueEdited = true; } });
  const queuePassMinutes = h("input", { id: "queue-pass-minutes", type: "number", min: "1", max: "240", step: "1", class: "count-input",
    "data-testid": "queue-pass-minutes", oninput: () => { queueEdited = true; } });
  const queueShoppers = h("input", { id: "queue-active-shoppers", type: "number", min: "1", max: "1000000", step: "1", class: "count-input",
    placeholder: "no limit", "data-testid": "queue-active-shoppers", "aria-describedby": "queue-settings-hint", oninput: () => { queueEdited = true; } });
  const queueProof = h("input", { id: "queue-proof-of-work", type: "number", min: "0", max: "28", step: "1", class: "count-input",
    "data-testid": "queue-proof-of-work", "aria-describedby": "queue-settings-hint", oninput: () => { queueEdited = true; } });
  const queuePause = h("button", { type: "button", class: "secondary", "data-testid": "queue-pause", disabled: true, onclick: () => pauseQueue() }, "Pause");
  const queueSave = h("button", { type: "button", "data-testid": "queue-save", onclick: () => saveQueue() }, "Save");
  const queueMessage = h("div", { "aria-live": "polite", "data-testid": "queue-message" });
  root.append(h("h2", {}, "Waiting room"), h("div", { class: "card", "data-testid": "queue-card" },
    h("p", { class: "muted" }, "For ", queueTitle, ". Buyers wait in line and are let in at the rate set here, each with a pass to hold seats for the minutes set here."),
    queueStats,
    h("div", { class: "queue-controls" },
      h("label", { class: "check" }, queueEnabled, "Sell behind a waiting room"),
      h("div", { class: "row" },
        h("div", {}, h("label", { for: "queue-rate" }, "Let in per minute"), queueRate),
        h("div", {}, h("label", { for: "queue-pass-minutes" }, "Minutes to hold seats"), queuePassMinutes),
        h("div", {}, h("label", { for: "queue-active-shoppers" }, "Shopping at once"), queueShoppers),
        h("div", {}, h("label", { for: "queue-proof-of-work" }, "Proof of work (bits)"), queueProof),
        queueSave, queuePause),
      h("p", { id: "queue-settings-hint", class: "muted hint" },
        "Shopping at once: at most this many admitted buyers shop together, the next let in as others pay or their time runs out ",
        "(empty: the rate alone). Proof of work: each join first costs the buyer's browser a small puzzle, about a second of a phone ",
        "at 18 bits, each bit more doubling it, which slows down scripts joining many times (0: off).")),
    queueMessage));

  // The chosen event's door: check-ins live (checked in of expected, per gate), the scanner, and the door staff who may
  // use it (accounts that signed up, added by email).
  const doorTitle = h("span");
  const checkinCount = h("strong", { class: "big", "data-testid": "checkin-count" }, "–");
  const checkinGates = h("ul", { class: "plain gates", "data-testid": "checkin-gates" });
  const checkinState = h("span", { class: "muted", "data-testid": "checkin-live" });
  const checkinBar = h("progress", { class: "queue-progress", max: "1", value: "0", "data-testid": "checkin-progress" });
  const scannerLink = h("a", { class: "button", "data-testid": "scanner-link" }, "Open the scanner");
  const staffList = h("ul", { class: "plain staff", "data-testid": "staff-list" });
  const staffEmail = h("input", { id: "staff-email", type: "email", "data-testid": "staff-email", placeholder: "door@example.com", maxlength: "254", autocomplete: "off" });
  const staffMessage = h("div", { "aria-live": "polite", "data-testid": "staff-message" });
  const staffForm = h("form", { class: "row", onsubmit: async (submitted) => {
    submitted.preventDefault();
    const email = staffEmail.value.trim();
    if (!email || !doorEvent) return;
    try {
      const added = await api.addStaff(doorEvent, email, access.token());
      staffEmail.value = "";
      staffMessage.replaceChildren(h("p", { class: "notice ok" }, `${added.email} may now scan this event's tickets.`));
      await refreshStaff();
    } catch (error) {
      staffMessage.replaceChildren(h("p", { class: "notice bad" }, error.is("no-such-account")
        ? `Nobody signed up as ${email}: the door person signs up first (top right), then is added here.` : access.refusal(error)));
    }
  } }, staffEmail, h("button", { type: "submit", "data-testid": "staff-add" }, "Add door staff"));
  root.append(h("h2", {}, "Door"), h("div", { class: "card door", "data-testid": "door-card" },
    h("p", { class: "muted" }, "Check-ins for ", doorTitle, ", live from the scanners. ", checkinState),
    h("div", { class: "stats" },
      h("div", {}, h("div", { class: "muted" }, "Checked in / expected"), checkinCount, checkinBar),
      h("div", {}, h("div", { class: "muted" }, "Per gate"), checkinGates)),
    h("p", {}, scannerLink, " ", h("span", { class: "muted" }, "Door staff open it signed in with their own account; it works offline too.")),
    h("h3", {}, "Door staff"), staffList, staffForm, staffMessage));

  let doorEvent = 0;
  let checkinFeed = null;
  let framed = false;
  let doorReads = 0;
  let checkinPoll = 0;

  function showCheckins(figures) {
    checkinCount.textContent = `${figures.checked_in} / ${figures.expected}`;
    checkinCount.dataset.checkedIn = String(figures.checked_in);
    checkinCount.dataset.expected = String(figures.expected);
    checkinBar.max = String(Math.max(1, figures.expected));
    checkinBar.value = String(figures.checked_in);
    const gates = [...(figures.gates || [])].sort((a, b) => b.checked_in - a.checked_in);
    checkinGates.replaceChildren(...(gates.length
      ? gates.map((entry) => h("li", { "data-gate": entry.gate || "" }, h("span", {}, entry.gate || "(no gate)"), " ", h("strong", {}, String(entry.checked_in))))
      : [h("li", { class: "muted" }, "No one yet")]));
  }

  async function refreshStaff() {
    const eventId = doorEvent;
    const mine = ++doorReads;
    if (!access.ready()) {
      staffList.replaceChildren(h("li", { class: "muted" }, `${access.askToSignIn} Then you see and add door staff.`));
      return;
    }
    try {
      const people = await api.staff(eventId, access.token());
      if (mine !== doorReads || eventId !== doorEvent) return;
      staffList.replaceChildren(...(people.length ? people.map((person) => h("li", { "data-identity": person.identity, "data-email": person.email },
        h("span", {}, person.email), " ", h("span", { class: "muted" }, `added ${dateTime(person.added_at)}`), " ",
        h("button", { type: "button", class: "danger", "data-testid": "staff-remove", onclick: async () => {
          try {
            await api.removeStaff(eventId, person.identity, access.token());
            staffMessage.replaceChildren(h("p", { class: "notice ok" }, `${person.email} is no longer door staff.`));
          } catch (error) {
            staffMessage.replaceChildren(h("p", { class: "notice bad" }, error.message));
          }
          await refreshStaff();
        } }, "Remove"))) : [h("li", { class: "muted" }, "No door staff yet: organizers can scan too.")]));
    } catch (error) {
      if (mine !== doorReads) return;
      staffList.replaceChildren(h("li", { class: "notice bad" }, access.refusal(error)));
    }
  }

  async function readCheckins() {
    const eventId = doorEvent;
    try {
      const figures = await api.checkins(eventId, access.token());
      // A frame from the socket is at least as new as this read.
      if (eventId === doorEvent && !framed) showCheckins(figures);
    } catch (error) {
      if (eventId === doorEvent && !framed) checkinState.textContent = access.refusal(error);
    }
  }

  function watchDoor(event) {
    doorEvent = event.id;
    doorTitle.textContent = `${event.title} (#${event.id})`;
    scannerLink.href = `#/scan/${event.id}`;
    staffMessage.replaceChildren();
    checkinFeed?.stop();
    checkinFeed = null;
    framed = false;
    checkinCount.textContent = "–";
    checkinGates.replaceChildren();
    refreshStaff();
    if (!access.ready()) {
      checkinState.textContent = `${access.askToSignIn} Then you see check-ins.`;
      return;
    }
    readCheckins();
    checkinFeed = new CheckinFeed(event.id, access.socketToken(), (figures) => {
      framed = true;
      checkinState.textContent = "Live.";
      checkinState.dataset.state = "live";
      showCheckins(figures);
    }, (state, detail) => {
      checkinState.dataset.state = state;
      checkinState.textContent = { connecting: "Connecting…", live: "Live.", offline: "Reconnecting…", refused: detail || "Refused." }[state];
      // While the socket is down, the figures are read every few seconds instead.
      if (state === "offline") framed = false;
    });
  }
  checkinPoll = setInterval(() => {
    if (doorEvent && access.ready() && checkinFeed && !framed) readCheckins();
  }, 5000);

  let feed = null;
  let watching = 0;
  /** The event whose waiting room the card shows, what the server last said of it (null: none), and whether the
   * organizer changed a field since (then the 2 s refresh leaves the fields alone). */
  let queueEvent = 0;
  let queueRoom = null;
  let queueEdited = false;
  let queueReads = 0;
  const queueTimer = setInterval(() => refreshQueue(), 2000);
  /** Lists the events in the picker (with an organizer's authority drafts and cancelled ones too), keeping the choice;
   * answers them, or null when a later listing was asked for meanwhile (that one's answer is newer) unless `always`. */
  let listings = 0;
  async function listEvents(always = false) {
    const mine = ++listings;
    const events = await api.events(access.token());
    if (mine !== listings && !always) return null;
    const chosen = picker.value;
    picker.replaceChildren(...events.map((event) => h("option", { value: event.id }, optionLabel(event))));
    if (chosen && events.some((event) => String(event.id) === chosen)) picker.value = chosen;
    return events;
  }

  async function refreshEvents(select) {
    const events = await listEvents(true);
    if (events.length) {
      picker.value = String(select ?? events[0].id);
      await watch(Number(picker.value));
    }
  }

  async function watch(eventId) {
    const mine = ++watching;
    feed?.stop();
    feed = null;
    const event = await api.event(eventId, access.token());
    if (mine !== watching) return;
    queueTitle.textContent = `${event.title} (#${event.id})`;
    ordersTitle.textContent = `${event.title} (#${event.id})`;
    admin.show(event);
    charts.show(event);
    orders.show(event);
    watchDoor(event);
    queueEvent = eventId;
    queueEdited = false;
    queueMessage.replaceChildren();
    refreshQueue();
    feed = new EventFeed(live, eventId, (model, changed) => {
      if (changed === null) map.show(model);
      else map.changed(changed);
      const counts = model.counts();
      let revenue = 0;
      for (let index = 0; index < model.count; index += 1) if (model.status[index] === SOLD) revenue += model.price(index);
      const poolLines = [...model.pools.values()].map((pool) => {
        const taken = pool.capacity - pool.available;
        return h("div", {}, h("div", { class: "muted" }, pool.name), h("strong", {}, `${taken} / ${pool.capacity}`));
      });
      stats.replaceChildren(
        h("div", {}, h("div", { class: "muted" }, "Sold"), h("strong", { "data-testid": "sold" }, String(counts.sold))),
        h("div", {}, h("div", { class: "muted" }, "Held"), h("strong", { "data-testid": "held" }, String(counts.held))),
        h("div", {}, h("div", { class: "muted" }, "Available"), h("strong", {}, String(counts.available))),
        h("div", {}, h("div", { class: "muted" }, "Seat revenue"), h("strong", {}, money(revenue, event.currency))),
        ...poolLines);
    }, access.token);
    await feed.reload();
  }

  /** Reads the chosen event's waiting room and shows it. */
  async function refreshQueue() {
    if (!queueEvent) return;
    const eventId = queueEvent;
    const mine = ++queueReads;
    let room;
    try {
      room = await api.queue(eventId);
    } catch {
      return; // tried again in 2 s
    }
    if (mine !== queueReads || eventId !== queueEvent) return;
    showQueue(room);
  }

  function showQueue(room) {
    queueRoom = room;
    const figure = (label, testId, value) => h("div", {}, h("div", { class: "muted" }, label), h("strong", { "data-testid": testId }, String(value)));
    if (!room) {
      queueStats.replaceChildren(figure("Waiting room", "queue-status", "none"));
    } else {
      const status = !room.enabled ? "off" : room.paused ? "paused" : Date.now() < Date.parse(room.sales_start) ? "pre-queue" : "letting in";
      queueStats.replaceChildren(
        figure("Waiting room", "queue-status", status),
        figure("Joined", "queue-joined", room.joined),
        figure("Waiting", "queue-waiting", room.waiting),
        figure("Let in up to place", "queue-cursor", room.cursor),
        figure("Rate", "queue-admit-rate", `${room.admit_per_minute} / min`),
        ...(room.active_shoppers == null ? [] : [figure("Shopping", "queue-shopping", `${room.shopping ?? 0} / ${room.active_shoppers}`)]),
        figure("Pass", "queue-pass", `${room.pass_minutes} min`),
        figure("Proof of work", "queue-proof", room.proof_of_work > 0 ? `${room.proof_of_work} bits` : "off"),
        figure("Opens", "queue-opens", dateTime(room.opens_at)),
        figure("Sales start", "queue-sales-start", dateTime(room.sales_start)));
    }
    queueStats.dataset.paused = String(Boolean(room?.paused));
    queuePause.disabled = !room;
    queuePause.textContent = room?.paused ? "Resume" : "Pause";
    if (!queueEdited) {
      // A new waiting room starts from the server's defaults.
      queueEnabled.checked = Boolean(room?.enabled);
      queueRate.value = String(room?.admit_per_minute ?? 600);
      queuePassMinutes.value = String(room?.pass_minutes ?? 10);
      queueShoppers.value = room?.active_shoppers == null ? "" : String(room.active_shoppers);
      queueProof.value = String(room?.proof_of_work ?? 0);
    }
  }

  /** Sends settings to the chosen event's waiting room as the organizer and shows the room as it is now;
   * the fields take the server's values when they were what was sent (`saving`), and stay as typed otherwise. */
  async function configureQueue(body, done, saving = false) {
    const eventId = queueEvent;
    try {
      const room = await api.configureQueue(eventId, body, access.token());
      if (eventId !== queueEvent) return;
      queueReads += 1; // a read sent before this answer would show the room as it was
      if (saving) queueEdited = false;
      showQueue(room);
      queueMessage.replaceChildren(h("p", { class: "notice ok" }, done(room)));
    } catch (error) {
      queueMessage.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    }
  }

  function saveQueue() {
    // An empty field leaves its setting as it is.
    const number = (field, key) => (field.value.trim() === "" ? {} : { [key]: Number(field.value) });
    return configureQueue({
      enabled: queueEnabled.checked, ...number(queueRate, "admit_per_minute"), ...number(queuePassMinutes, "pass_minutes"),
      // An empty "Shopping at once" lets in at the rate alone (null).
      active_shoppers: queueShoppers.value.trim() === "" ? null : Number(queueShoppers.value), ...number(queueProof, "proof_of_work"),
    }, (room) => (room.enabled
      ? `Saved: ${room.admit_per_minute} let in a minute${room.active_shoppers == null ? "" : `, at most ${room.active_shoppers} shopping at once`}, `
        + `${room.pass_minutes} minutes each to hold seats; ${room.proof_of_work > 0 ? `a ${room.proof_of_work}-bit proof of work to join` : "no proof of work"}.`
      : "Saved: the waiting room is off; everyone may buy."), true);
  }

  function pauseQueue() {
    if (!queueRoom) return;
    return configureQueue({ paused: !queueRoom.paused }, (room) => (room.paused
      ? "Admission paused: the queue keeps its order and new visitors still join."
      : "Admission resumed."));
  }

  await refreshEvents();
  return () => {
    clearInterval(queueTimer);
    clearInterval(checkinPoll);
    checkinFeed?.stop();
    feed?.stop();
    orders.stop();
    admin.stop();
    charts.stop();
  };
}
