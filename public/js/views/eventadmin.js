// The chosen event's administration on the organizer's page: its status and phase and its settings; Edit (PATCH
// /api/events/{id}, sending only what was changed: a field left out stays, an emptied cap or cutoff is cleared with
// null; each category's and pool's price typed in major units, sent in minor units when it changed); Publish for a
// draft; Edit seat map (seatmapeditor.js); Download buyers (CSV); and Cancel event, confirmed by typing its title, then the refunds' progress read every
// second until the job is finished.

import * as api from "../api.js";
import { dateTime, h, majorText, minorOf, money, pricePattern } from "../format.js";
import { seatMapEditor } from "./seatmapeditor.js";

const phases = {
  draft: "Draft: only organizers see it, and nothing can be held until it is published.",
  published: "Published: customers see it; sales open at the sales start.",
  on_sale: "On sale.",
  ended: "Sales have ended.",
  cancelled: "Cancelled: sales stopped and every paid booking is refunded.",
};
const phaseNames = { draft: "draft", published: "published", on_sale: "on sale", ended: "ended", cancelled: "cancelled" };

/** An ISO date-time as a datetime-local field's value, in this browser's time zone ("" for none). */
export function localInput(isoText) {
  if (!isoText) return "";
  const date = new Date(isoText);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local field's value as the API's date-time (UTC, to the second). */
const isoOf = (value) => new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The card; `show(event)` shows an event (again, after a change); `onChange(event)` hears an event the card changed. */
export function eventAdmin(access, onChange) {
  const heading = h("h3", {});
  const badges = h("div", { class: "row badges" });
  const facts = h("dl", { class: "facts", "data-testid": "event-facts" });
  const message = h("div", { "aria-live": "polite", "data-testid": "event-message" });
  const say = (kind, ...text) => message.replaceChildren(h("p", { class: `notice ${kind}` }, ...text));

  const editButton = h("button", { type: "button", class: "secondary", "data-testid": "event-edit", onclick: () => openEdit() }, "Edit");
  const publishButton = h("button", { type: "button", "data-testid": "event-publish", onclick: () => publish() }, "Publish");
  const exportButton = h("button", { type: "button", class: "secondary", "data-testid": "export-csv", onclick: () => download() }, "Download buyers (CSV)");
  const cancelButton = h("button", { type: "button", class: "danger", "data-testid": "event-cancel", onclick: () => askToCancel() }, "Cancel event…");
  const seatMap = seatMapEditor(access, (updated) => changed(updated));
  const seatMapButton = h("button", { type: "button", class: "secondary", "data-testid": "seatmap-edit", onclick: () => seatMap.open(event) }, "Edit seat map");
  const actions = h("div", { class: "row" }, editButton, seatMapButton, publishButton, exportButton, cancelButton);

  // The edit form: each field an event setting; the hint says what an empty one means.
  const input = (id, attributes) => h("input", { id, ...attributes });
  const fields = {
    title: input("edit-title", { required: true, maxlength: "200", "data-testid": "edit-title" }),
    description: h("textarea", { id: "edit-description", maxlength: "2000", rows: "2", "data-testid": "edit-description" }),
    venue: input("edit-venue", { required: true, maxlength: "200", "data-testid": "edit-venue" }),
    starts_at: input("edit-starts", { type: "datetime-local", required: true, "data-testid": "edit-starts" }),
    sales_start: input("edit-sales-start", { type: "datetime-local", required: true, "data-testid": "edit-sales-start" }),
    sales_end: input("edit-sales-end", { type: "datetime-local", required: true, "data-testid": "edit-sales-end" }),
    hold_ttl_seconds: input("edit-hold", { type: "number", min: "1", max: "86400", step: "1", required: true, class: "count-input", "data-testid": "edit-hold" }),
    max_tickets_per_booking: input("edit-per-booking", { type: "number", min: "1", max: "100", step: "1", required: true, class: "count-input",
      "data-testid": "edit-per-booking" }),
    max_tickets_per_customer: input("edit-per-customer", { type: "number", min: "1", step: "1", class: "count-input", placeholder: "no cap",
      "data-testid": "edit-per-customer" }),
    cancellation_cutoff: input("edit-cutoff", { type: "datetime-local", "data-testid": "edit-cutoff" }),
  };
  const kinds = { starts_at: "time", sales_start: "time", sales_end: "time", cancellation_cutoff: "time", hold_ttl_seconds: "number",
    max_tickets_per_booking: "number", max_tickets_per_customer: "number" };
  const nullable = new Set(["max_tickets_per_customer", "cancellation_cutoff"]);
  const field = (key, label) => h("div", {}, h("label", { for: fields[key].id }, label), fields[key]);
  // The prices: a line per category and per pool, drawn when the form opens (see fillPrices).
  const priceLines = h("div", { class: "price-lines", "data-testid": "edit-prices" });
  const pricesLegend = h("legend", {}, "Prices");
  const prices = h("fieldset", { class: "prices" }, pricesLegend, priceLines,
    h("p", { class: "muted hint" }, "A price changes only while none of its seats or tickets is held or sold: customers keep the price they ",
      "were shown. Only the prices you change are sent."));
  const saveButton = h("button", { type: "submit", "data-testid": "event-save" }, "Save changes");
  const form = h("form", { class: "event-edit", "data-testid": "event-edit-form", hidden: true, onsubmit: (submitted) => {
    submitted.preventDefault();
    save();
  } },
  field("title", "Title"), field("venue", "Venue"), field("description", "Description"),
  h("div", { class: "row" }, field("starts_at", "Starts at"), field("sales_start", "Sales start"), field("sales_end", "Sales end")),
  h("div", { class: "row" }, field("hold_ttl_seconds", "Hold time (seconds)"), field("max_tickets_per_booking", "Tickets per booking"),
    field("max_tickets_per_customer", "Tickets per customer"), field("cancellation_cutoff", "Customers may cancel until")),
  h("p", { class: "muted hint" }, "Only what you change is sent. Tickets per customer empty: no cap. Customers may cancel until empty: ",
    "customers cannot cancel (the organizer still refunds). Which categories and pools there are stays as the event was made; the ",
    "seat map has its own editor."),
  prices,
  h("div", { class: "row" }, saveButton,
    h("button", { type: "button", class: "secondary", "data-testid": "event-edit-close", onclick: () => closeEdit() }, "Discard")));

  // Cancelling: the title typed to confirm, then the job's progress.
  const confirmTitle = h("input", { id: "cancel-title", autocomplete: "off", "data-testid": "cancel-title", oninput: () => {
    confirmButton.disabled = confirmTitle.value !== event?.title || busy;
  } });
  const confirmButton = h("button", { type: "button", class: "danger", "data-testid": "cancel-event-confirm", disabled: true, onclick: () => cancelEvent() },
    "Cancel this event and refund everyone");
  const confirmText = h("p", { style: "margin:0 0 .5rem" });
  const confirmBox = h("div", { class: "notice warn", "data-testid": "cancel-confirm", hidden: true },
    confirmText, h("label", { for: "cancel-title" }, "Type the event's title to confirm"), confirmTitle,
    h("div", { class: "row", style: "margin-top:.5rem" }, confirmButton,
      h("button", { type: "button", class: "secondary", "data-testid": "cancel-back", onclick: () => { confirmBox.hidden = true; } }, "Back")));
  const progressBar = h("progress", { class: "queue-progress", max: "1", value: "0" });
  const progressText = h("p", { style: "margin:0" });
  const progress = h("div", { class: "notice", "data-testid": "cancel-progress", hidden: true }, progressText, progressBar);

  const element = h("div", { class: "card event-admin", "data-testid": "event-admin" },
    h("div", { class: "row detail-head" }, heading, badges), facts, actions, message, confirmBox, progress, form, seatMap.element);

  let event = null;
  let busy = false;
  let polling = 0;
  let stopped = false;
  // What the form's fields said when it was opened: a field still the same is not sent.
  let initial = {};
  // The price lines as the form was opened: { list: "categories" or "ga_pools", id, name, minor (the price then), input }.
  let priceFields = [];

  function render() {
    heading.textContent = `${event.title} (#${event.id})`;
    // The phase beside the status when it says more (a published event is not yet on sale, on sale, or ended).
    badges.replaceChildren(
      h("span", { class: "status", "data-status": event.status, "data-testid": "event-status" }, event.status),
      h("span", { class: "status", "data-status": event.phase, "data-testid": "event-phase", "data-phase": event.phase, hidden: event.phase === event.status },
        phaseNames[event.phase] || event.phase));
    const fact = (name, value) => [h("dt", {}, name), h("dd", {}, value)];
    facts.replaceChildren(
      h("dt", {}, "Now"), h("dd", { "data-testid": "event-phase-text" }, phases[event.phase] || event.phase),
      ...fact("Venue", event.venue),
      ...fact("Starts", dateTime(event.starts_at)),
      ...fact("Sales", `${dateTime(event.sales_start)} – ${dateTime(event.sales_end)}`),
      ...fact("Hold time", `${event.hold_ttl_seconds} s`),
      ...fact("Tickets", `up to ${event.max_tickets_per_booking} a booking, ${event.max_tickets_per_customer == null ? "no cap per customer"
        : `${event.max_tickets_per_customer} per customer`}`),
      ...fact("Customers may cancel", event.cancellation_cutoff ? `until ${dateTime(event.cancellation_cutoff)}` : "no (only the organizer refunds)"),
      ...pricesFact());
    const cancelled = event.status === "cancelled";
    editButton.hidden = cancelled;
    seatMapButton.hidden = cancelled;
    cancelButton.hidden = cancelled;
    publishButton.hidden = event.status !== "draft";
    if (cancelled) {
      form.hidden = true;
      seatMap.close();
      confirmBox.hidden = true;
    }
    element.dataset.eventId = String(event.id);
    element.dataset.status = event.status;
  }

  /** Each category's and pool's price, for the facts (none for an event without either). */
  function pricesFact() {
    const priced = [...(event.categories ?? []).map((category) => ["category", category]), ...(event.ga_pools ?? []).map((pool) => ["pool", pool])];
    if (!priced.length) return [];
    const items = priced.map(([kind, item]) => h("span", { class: "price-fact", "data-kind": kind, "data-id": String(item.id),
      "data-price-minor": String(item.price_minor) }, `${item.name || item.id} ${money(item.price_minor, event.currency)}`));
    return [h("dt", {}, "Prices"), h("dd", { "data-testid": "event-prices" }, ...items.flatMap((item, index) => (index ? [", ", item] : [item])))];
  }

  /** The price lines for the event as it is now: each price in major units, editable. */
  function fillPrices() {
    const line = (list, item, index) => {
      const kind = list === "categories" ? "category" : "pool";
      const input = h("input", { id: `edit-price-${kind}-${index}`, type: "text", inputmode: "decimal", autocomplete: "off", required: true,
        pattern: pricePattern, title: "An amount such as 65.00", class: "price-input", "data-testid": `edit-${kind}-price`,
        [`data-${kind}-id`]: String(item.id) });
      input.value = majorText(item.price_minor);
      const name = item.name || String(item.id);
      priceFields.push({ list, id: item.id, name, minor: item.price_minor, input });
      return h("div", { class: "price-line" },
        h("label", { for: input.id }, name, h("span", { class: "muted" }, kind === "category" ? " · seats" : " · standing pool")),
        h("span", { class: "price-field" }, input, h("span", { class: "muted" }, event.currency)));
    };
    priceFields = [];
    const lines = [...(event.categories ?? []).map((category, index) => line("categories", category, index)),
      ...(event.ga_pools ?? []).map((pool, index) => line("ga_pools", pool, index))];
    priceLines.replaceChildren(...lines);
    pricesLegend.textContent = `Prices (${event.currency})`;
    prices.hidden = !lines.length;
  }

  /** The event as the card changed it: shown here, and told to the page. */
  function changed(updated) {
    event = updated;
    render();
    onChange(updated);
  }

  function openEdit() {
    const values = {
      title: event.title, description: event.description ?? "", venue: event.venue,
      starts_at: localInput(event.starts_at), sales_start: localInput(event.sales_start), sales_end: localInput(event.sales_end),
      hold_ttl_seconds: String(event.hold_ttl_seconds), max_tickets_per_booking: String(event.max_tickets_per_booking),
      max_tickets_per_customer: event.max_tickets_per_customer == null ? "" : String(event.max_tickets_per_customer),
      cancellation_cutoff: localInput(event.cancellation_cutoff),
    };
    for (const [key, value] of Object.entries(values)) fields[key].value = value;
    initial = values;
    fillPrices();
    form.hidden = false;
    confirmBox.hidden = true;
    message.replaceChildren();
    fields.title.focus();
  }

  function closeEdit() {
    form.hidden = true;
  }

  /** The prices the form changes, as the PATCH's `categories` and `ga_pools`; or { unreadable } naming a price line whose
   * amount is not one. */
  function priceEdits() {
    const body = {};
    for (const line of priceFields) {
      const minor = minorOf(line.input.value);
      if (minor === null) return { unreadable: line };
      if (minor === line.minor) continue;
      (body[line.list] ??= []).push({ id: line.id, price_minor: minor });
    }
    return { body };
  }

  /** What the form changes, as the PATCH body. */
  function edits() {
    const body = {};
    for (const [key, input] of Object.entries(fields)) {
      const value = input.value;
      if (value === initial[key]) continue;
      const text = value.trim();
      if (text === "" && nullable.has(key)) body[key] = null;
      else if (kinds[key] === "time") body[key] = isoOf(value);
      else if (kinds[key] === "number") body[key] = Number(text);
      else body[key] = key === "description" ? value : text;
    }
    return body;
  }

  async function save() {
    const priced = priceEdits();
    if (priced.unreadable) {
      say("bad", `The price of ${priced.unreadable.name} is not an amount: write it like 65.00 (${event.currency}).`);
      priced.unreadable.input.focus();
      return;
    }
    const body = { ...edits(), ...priced.body };
    if (!Object.keys(body).length) {
      say("warn", "Nothing changed.");
      return;
    }
    const eventId = event.id;
    busy = true;
    saveButton.disabled = true;
    try {
      const updated = await api.updateEvent(eventId, body, access.token());
      if (stopped || event?.id !== eventId) return;
      form.hidden = true;
      changed(updated);
      // The price lines as the answer has them (the facts show them too).
      fillPrices();
      const saved = [...new Set(Object.keys(body).map((key) => (key === "categories" || key === "ga_pools" ? "prices" : key.replaceAll("_", " "))))];
      say("ok", `Saved: ${saved.join(", ")}.`);
      message.firstChild.dataset.testid = "event-saved";
    } catch (error) {
      say("bad", access.refusal(error));
    } finally {
      busy = false;
      saveButton.disabled = false;
    }
  }

  async function publish() {
    const eventId = event.id;
    publishButton.disabled = true;
    try {
      const updated = await api.publishEvent(eventId, access.token());
      if (stopped || event?.id !== eventId) return;
      changed(updated);
      say("ok", `Published: customers see “${updated.title}” now.`);
      message.firstChild.dataset.testid = "event-published";
    } catch (error) {
      say("bad", access.refusal(error));
    } finally {
      publishButton.disabled = false;
    }
  }

  async function download() {
    const eventId = event.id;
    const name = `event-${eventId}-tickets.csv`;
    exportButton.disabled = true;
    try {
      const blob = await api.exportTickets(eventId, access.token());
      const url = URL.createObjectURL(blob);
      const link = h("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      // The download has its own copy by then; the URL is kept a while for a browser that reads it late.
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      exportButton.dataset.href = url;
      say("ok", `Downloaded ${name} (${blob.size.toLocaleString()} bytes).`);
      message.firstChild.dataset.testid = "export-done";
    } catch (error) {
      say("bad", access.refusal(error));
    } finally {
      exportButton.disabled = false;
    }
  }

  function askToCancel() {
    form.hidden = true;
    message.replaceChildren();
    confirmText.replaceChildren(`Cancelling “${event.title}” stops its sales at once, releases every hold and refunds every paid booking in full, `,
      "seats released. Customers are told. It cannot be undone.");
    confirmTitle.value = "";
    confirmButton.disabled = true;
    confirmBox.hidden = false;
    confirmTitle.focus();
  }

  async function cancelEvent() {
    if (confirmTitle.value !== event.title) return;
    const eventId = event.id;
    busy = true;
    confirmButton.disabled = true;
    try {
      const job = await api.cancelEvent(eventId, access.token());
      if (stopped || event?.id !== eventId) return;
      confirmBox.hidden = true;
      showJob(job);
      follow(eventId, job);
    } catch (error) {
      say("bad", access.refusal(error));
      confirmButton.disabled = false;
    } finally {
      busy = false;
    }
  }

  function showJob(job) {
    const total = job.refunded + job.remaining;
    progress.hidden = false;
    progress.dataset.status = job.status;
    progress.dataset.refunded = String(job.refunded);
    progress.dataset.remaining = String(job.remaining);
    progress.className = `notice ${job.status === "finished" ? "ok" : "warn"}`;
    progressBar.max = String(Math.max(1, total));
    progressBar.value = String(job.status === "finished" ? Math.max(1, total) : job.refunded);
    progressText.textContent = job.status === "finished"
      ? `Cancelled: ${job.refunded} booking${job.refunded === 1 ? "" : "s"} refunded${job.finished_at ? `, finished ${dateTime(job.finished_at)}` : ""}.`
      : `Cancelling: ${job.refunded} booking${job.refunded === 1 ? "" : "s"} refunded, ${job.remaining} to go…`;
  }

  /** Reads the cancellation every second until it is finished, then the event again. */
  function follow(eventId, job) {
    clearTimeout(polling);
    if (job.status === "finished") {
      api.event(eventId, access.token()).then((updated) => {
        if (!stopped && event?.id === eventId) changed(updated);
      }).catch(() => {});
      return;
    }
    polling = setTimeout(async () => {
      let next = job;
      try {
        next = (await api.cancellation(eventId, access.token())) ?? job;
      } catch { /* read again in a second */ }
      if (stopped || event?.id !== eventId) return;
      showJob(next);
      follow(eventId, next);
    }, 1000);
  }

  return {
    element,
    show(shown) {
      const other = event?.id !== shown.id;
      event = shown;
      if (other) {
        clearTimeout(polling);
        form.hidden = true;
        seatMap.close();
        confirmBox.hidden = true;
        progress.hidden = true;
        message.replaceChildren();
        // A cancelled event shows how its cancellation went (and follows it while it runs).
        if (shown.status === "cancelled" && access.ready()) {
          api.cancellation(shown.id, access.token()).then((job) => {
            if (!job || stopped || event?.id !== shown.id) return;
            showJob(job);
            if (job.status !== "finished") follow(shown.id, job);
          }).catch(() => {});
        }
      }
      render();
    },
    stop() {
      stopped = true;
      clearTimeout(polling);
    },
  };
}
