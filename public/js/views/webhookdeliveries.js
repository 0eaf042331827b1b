// One webhook endpoint's deliveries, newest first, from GET /api/webhooks/{id}/deliveries: topic, status (pending,
// delivered, parked), attempts, when it was made and the last attempt's answer; Details opens every attempt (its number,
// time, status code, detail and milliseconds) and the JSON sent. A status filter, Load more (the page's `next`), and
// Resend on a delivered or parked one, which turns it pending. `refresh()` reads again as many as are listed, and
// only the rows that changed are drawn again, so an open one stays open and the focus stays put.

import * as api from "../api.js";
import { dateTimeSeconds, h } from "../format.js";

const pageSize = 20;
const largestPage = 100;
const statusChoices = [["", "All"], ["pending", "Pending"], ["delivered", "Delivered"], ["parked", "Parked"]];
const statusNames = { pending: "pending", delivered: "delivered", parked: "parked" };
const columns = 7;

/** The last attempt's answer: { code } for a status code, { detail } when none came ("no answer within 10000 ms",
 * a refused connection), or null before the first attempt. */
export function lastAnswer(delivery) {
  const last = delivery.attempt_log.at(-1);
  if (!last) return null;
  return last.status_code == null ? { detail: last.detail } : { code: last.status_code, detail: last.detail };
}

/** An answer's status code as the page shows it: its number, or "—" without one. */
const codeText = (code) => (code == null ? "—" : String(code));
const isSuccess = (code) => code != null && code >= 200 && code < 300;

/** The JSON a delivery sent, indented; as it came when it is not JSON. */
function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** What the row draws, so a refresh that changes none of it keeps the row. */
const drawnKey = (delivery) => JSON.stringify([delivery.status, delivery.attempts, delivery.attempt_log.length, delivery.next_attempt_at ?? null,
  delivery.delivered_at ?? null, delivery.retry_until]);

/** The deliveries of endpoint `endpointId`: `element`, `refresh()` (read again), `stop()`. */
export function deliveriesTable(endpointId, access) {
  const filterId = `deliveries-status-${endpointId}`;
  const filter = h("select", { id: filterId, "data-testid": "deliveries-status", onchange: () => read(pageSize) },
    ...statusChoices.map(([value, label]) => h("option", { value }, label)));
  const rows = h("tbody", { "data-testid": "deliveries" });
  const empty = h("tr", { "data-empty": true }, h("td", { colspan: String(columns), class: "muted" }));
  const more = h("button", { type: "button", class: "secondary", "data-testid": "deliveries-more", hidden: true, onclick: () => loadMore() }, "Load more");
  // What reading said (cleared by the next read that works), and what Resend said (kept until the next Resend).
  const message = h("div", { "aria-live": "polite", "data-testid": "deliveries-message" });
  const actionMessage = h("div", { "aria-live": "polite", "data-testid": "deliveries-action-message" });
  const element = h("div", { class: "deliveries" },
    h("div", { class: "row" }, h("div", {}, h("label", { for: filterId }, "Show"), filter)),
    message, actionMessage,
    h("div", { class: "table-scroll" }, h("table", { class: "deliveries-table" },
      h("thead", {}, h("tr", {},
        h("th", {}, h("span", { class: "sr-only" }, "Details")), h("th", {}, "Topic"), h("th", {}, "Status"), h("th", { class: "num" }, "Attempts"),
        h("th", {}, "Created"), h("th", {}, "Last answer"), h("th", {}, h("span", { class: "sr-only" }, "Actions")))),
      rows)),
    more);

  /** The deliveries listed, newest first, and the `before` of the page after them (null: none). */
  let shown = [];
  let next = null;
  let reads = 0;
  // A Resend's answer is newer than any read sent before it: such a read is dropped.
  let writes = 0;
  let paging = false;
  let stopped = false;
  const open = new Set();
  /** Each listed delivery's rows as drawn: id → { key, row, detail, toggle }. */
  const drawn = new Map();

  function answerCell(delivery) {
    const answer = lastAnswer(delivery);
    if (!answer) return h("td", { class: "muted", "data-testid": "delivery-answer", "data-status-code": "" }, "not tried yet");
    return h("td", { "data-testid": "delivery-answer", "data-status-code": answer.code == null ? "" : String(answer.code) },
      answer.code == null
        ? h("span", { class: "answer failed" }, answer.detail)
        : h("span", { class: `answer ${isSuccess(answer.code) ? "succeeded" : "failed"}`, title: answer.detail || null }, `HTTP ${answer.code}`));
  }

  /** When the delivery is next tried, delivered or was given up on. */
  function whenLine(delivery) {
    if (delivery.status === "delivered" && delivery.delivered_at) return ["Delivered", dateTimeSeconds(delivery.delivered_at)];
    if (delivery.status === "parked") return ["Parked", `retried until ${dateTimeSeconds(delivery.retry_until)}; Resend tries it again`];
    if (delivery.next_attempt_at) return ["Next attempt", `${dateTimeSeconds(delivery.next_attempt_at)}, retried until ${dateTimeSeconds(delivery.retry_until)}`];
    return ["Retried until", dateTimeSeconds(delivery.retry_until)];
  }

  function build(delivery) {
    const detailId = `delivery-${delivery.id}`;
    const expanded = open.has(delivery.id);
    const created = dateTimeSeconds(delivery.created_at);
    const toggle = h("button", { type: "button", class: "link", "aria-expanded": String(expanded), "aria-controls": detailId,
      "data-testid": "delivery-toggle", onclick: () => toggleOpen(delivery.id) }, expanded ? "Hide" : "Details");
    const resendable = delivery.status === "delivered" || delivery.status === "parked";
    const row = h("tr", { class: "delivery", "data-delivery-id": delivery.id, "data-status": delivery.status, "data-attempts": String(delivery.attempts),
      "data-topic": delivery.topic },
    h("td", {}, toggle),
    h("td", {}, h("code", {}, delivery.topic)),
    h("td", {}, h("span", { class: "status", "data-status": delivery.status, "data-testid": "delivery-status" }, statusNames[delivery.status] || delivery.status),
      delivery.status === "pending" && delivery.next_attempt_at && delivery.attempts > 0
        ? h("div", { class: "muted small" }, `next try ${new Date(delivery.next_attempt_at).toLocaleTimeString()}`) : null),
    h("td", { class: "num", "data-testid": "delivery-attempts" }, String(delivery.attempts)),
    h("td", {}, h("time", { datetime: delivery.created_at }, created)),
    answerCell(delivery),
    h("td", {}, resendable ? h("button", { type: "button", class: "secondary", "data-testid": "delivery-resend",
      "aria-label": `Resend the ${delivery.topic} delivery of ${created}`, onclick: (click) => resend(delivery, click.currentTarget) }, "Resend") : null));

    const [when, whenText] = whenLine(delivery);
    const attempts = delivery.attempt_log.length
      ? h("table", { class: "attempts", "data-testid": "delivery-attempt-log" },
        h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", {}, "Time"), h("th", {}, "Status code"), h("th", {}, "Detail"),
          h("th", { class: "num" }, "ms"))),
        h("tbody", {}, delivery.attempt_log.map((attempt) => h("tr", { "data-number": String(attempt.number),
          "data-status-code": attempt.status_code == null ? "" : String(attempt.status_code) },
        h("td", { class: "num" }, String(attempt.number)),
        h("td", {}, h("time", { datetime: attempt.at }, dateTimeSeconds(attempt.at))),
        h("td", {}, h("span", { class: `answer ${isSuccess(attempt.status_code) ? "succeeded" : "failed"}` }, codeText(attempt.status_code))),
        h("td", { class: "attempt-detail" }, attempt.detail),
        h("td", { class: "num" }, String(attempt.milliseconds))))))
      : h("p", { class: "muted" }, "No attempt yet.");
    const detail = h("tr", { class: "delivery-detail", id: detailId, "data-delivery-id": delivery.id, hidden: !expanded },
      h("td", { colspan: String(columns) },
        h("dl", { class: "facts" },
          h("dt", {}, "Delivery"), h("dd", {}, h("code", {}, delivery.id)),
          h("dt", {}, "Notice"), h("dd", {}, h("code", {}, delivery.notice_id), h("span", { class: "muted" }, " (Boxoffice-Notice, the body's id)")),
          h("dt", {}, when), h("dd", {}, whenText)),
        h("h5", {}, "Attempts"), attempts,
        h("h5", {}, "Body"), h("pre", { class: "delivery-body", "data-testid": "delivery-body", tabindex: "0", "aria-label": "The JSON sent" },
          h("code", {}, pretty(delivery.body)))));
    return { row, detail, toggle };
  }

  function toggleOpen(id) {
    const entry = drawn.get(id);
    if (!entry) return;
    if (open.has(id)) open.delete(id);
    else open.add(id);
    const expanded = open.has(id);
    entry.detail.hidden = !expanded;
    entry.toggle.setAttribute("aria-expanded", String(expanded));
    entry.toggle.textContent = expanded ? "Hide" : "Details";
  }

  /** Draws `shown`: a row is built again only when what it shows changed. A focused control whose row was replaced
   * passes the focus to the same control of the new row (or its Details button, a Resend being gone). */
  function render() {
    const active = document.activeElement;
    const focusedRow = rows.contains(active) ? active.closest("tr")?.dataset.deliveryId : null;
    const focusedControl = active?.dataset?.testid;
    const wanted = [];
    const listed = new Set();
    for (const delivery of shown) {
      const key = drawnKey(delivery);
      let entry = drawn.get(delivery.id);
      if (!entry || entry.key !== key) {
        entry = { key, ...build(delivery) };
        drawn.set(delivery.id, entry);
      }
      listed.add(delivery.id);
      wanted.push(entry.row, entry.detail);
    }
    for (const id of [...drawn.keys()]) {
      if (!listed.has(id)) drawn.delete(id);
    }
    for (const id of [...open]) {
      if (!listed.has(id)) open.delete(id);
    }
    if (!shown.length) {
      empty.firstChild.textContent = filter.value
        ? `No ${statusNames[filter.value]} deliveries.`
        : "No deliveries yet: one is made for each notice of a topic this endpoint asks for.";
      wanted.push(empty);
    }
    const same = wanted.length === rows.children.length && wanted.every((node, index) => rows.children[index] === node);
    if (!same) rows.replaceChildren(...wanted);
    if (focusedRow && !rows.contains(active)) {
      const entry = drawn.get(focusedRow);
      const control = entry?.row.querySelector(`[data-testid="${focusedControl}"]`) || entry?.toggle;
      control?.focus();
    }
    rows.dataset.filter = filter.value;
    more.hidden = !next;
  }

  /** Reads the newest `count` deliveries the filter asks for (a page at a time) and lists them. */
  async function read(count) {
    const mine = ++reads;
    const wrote = writes;
    if (!access.ready()) {
      shown = [];
      next = null;
      render();
      message.replaceChildren(h("p", { class: "notice warn" }, access.askToSignIn));
      return;
    }
    try {
      const found = [];
      let after = null;
      do {
        const page = await api.webhookDeliveries(endpointId, { status: filter.value, limit: Math.min(largestPage, count - found.length),
          before: after }, access.token());
        found.push(...page.deliveries);
        after = page.next ?? null;
      } while (after && found.length < count);
      if (stopped || mine !== reads || wrote !== writes) return;
      shown = found;
      next = after;
      message.replaceChildren();
      render();
    } catch (error) {
      if (!stopped && mine === reads) message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    }
  }

  async function loadMore() {
    if (!next || paging) return;
    paging = true;
    more.disabled = true;
    const mine = ++reads;
    try {
      const page = await api.webhookDeliveries(endpointId, { status: filter.value, limit: pageSize, before: next }, access.token());
      if (stopped || mine !== reads) return;
      const known = new Set(shown.map((delivery) => delivery.id));
      const added = page.deliveries.filter((delivery) => !known.has(delivery.id));
      shown = [...shown, ...added];
      next = page.next ?? null;
      message.replaceChildren();
      render();
      // The button goes away after the last page: the focus moves to the first row it added.
      if (more.hidden && added.length) drawn.get(added[0].id)?.toggle.focus();
    } catch (error) {
      if (!stopped && mine === reads) message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    } finally {
      paging = false;
      more.disabled = false;
    }
  }

  async function resend(delivery, button) {
    button.disabled = true;
    actionMessage.replaceChildren();
    try {
      const sent = await api.resendDelivery(endpointId, delivery.id, access.token());
      if (stopped) return;
      writes += 1;
      // It stays listed as pending, whatever the filter, until the next read.
      shown = shown.map((each) => (each.id === sent.id ? sent : each));
      render();
    } catch (error) {
      button.disabled = false;
      actionMessage.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    }
  }

  read(pageSize);
  return {
    element,
    /** Reads again as many as are listed (at least a page), with the filter as it is. */
    refresh() {
      if (!paging) read(Math.max(pageSize, shown.length));
    },
    stop() {
      stopped = true;
    },
  };
}
