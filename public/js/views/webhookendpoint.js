// One webhook endpoint on the organizer's webhooks page: its URL, topics and when it was added; Show secret (GET
// /api/webhooks/{id}, the only read that has it); Delete, after a confirm step; and its deliveries.

import * as api from "../api.js";
import { dateTime, h } from "../format.js";
import * as session from "../session.js";
import { deliveriesTable } from "./webhookdeliveries.js";
import { secretBox } from "./webhooksecret.js";

/** The endpoint's card: `element`, `refresh()` (its deliveries read again), `stop()`; `onDeleted(endpoint)` hears it
 * deleted. */
export function webhookCard(endpoint, access, { onDeleted }) {
  const headingId = `webhook-${endpoint.id}`;
  const secretSlot = h("div", { "data-testid": "webhook-secret-slot" });
  const message = h("div", { "aria-live": "polite", "data-testid": "webhook-message" });
  const say = (kind, ...text) => message.replaceChildren(h("p", { class: `notice ${kind}` }, ...text));

  const showButton = h("button", { type: "button", class: "secondary", "data-testid": "webhook-show-secret", "aria-expanded": "false",
    "aria-controls": `${headingId}-secret`, onclick: () => toggleSecret() }, "Show secret");
  const deleteButton = h("button", { type: "button", class: "danger", "data-testid": "webhook-delete", onclick: () => {
    confirmBox.hidden = false;
    confirmButton.focus();
  } }, "Delete…");
  const confirmButton = h("button", { type: "button", class: "danger", "data-testid": "webhook-delete-confirm", onclick: () => remove() },
    "Delete this endpoint");
  const confirmBox = h("div", { class: "notice warn", "data-testid": "webhook-delete-ask", hidden: true },
    h("p", { class: "ask" }, "Delete the endpoint ", h("code", {}, endpoint.url), "? It gets no more notices, and its pending deliveries are not sent. ",
      "This cannot be undone."),
    h("div", { class: "row" }, confirmButton,
      h("button", { type: "button", class: "secondary", "data-testid": "webhook-delete-back", onclick: () => {
        confirmBox.hidden = true;
        deleteButton.focus();
      } }, "Keep it")));

  const deliveries = deliveriesTable(endpoint.id, access);
  const mine = endpoint.created_by === session.customer();
  const element = h("section", { class: "card webhook", "data-testid": "webhook", "data-webhook-id": endpoint.id, "data-url": endpoint.url,
    "aria-labelledby": headingId },
  h("div", { class: "row detail-head" }, h("h3", { id: headingId }, h("code", {}, endpoint.url)),
    h("div", { class: "row" }, showButton, deleteButton)),
  h("dl", { class: "facts" },
    h("dt", {}, "Topics"), h("dd", { "data-testid": "webhook-topics" },
      h("ul", { class: "plain topic-list" }, endpoint.events.map((topic) => h("li", {}, h("code", {}, topic))))),
    h("dt", {}, "Added"), h("dd", {}, h("time", { datetime: endpoint.created_at }, dateTime(endpoint.created_at)),
      mine ? " by you" : h("span", { class: "muted" }, " by organizer ", h("code", { title: endpoint.created_by }, endpoint.created_by.slice(0, 8))))),
  h("div", { id: `${headingId}-secret` }, secretSlot), confirmBox, message,
  h("h4", {}, "Deliveries"), deliveries.element);

  let secretShown = false;
  let stopped = false;

  async function toggleSecret() {
    if (secretShown) {
      secretShown = false;
      secretSlot.replaceChildren();
      showButton.textContent = "Show secret";
      showButton.setAttribute("aria-expanded", "false");
      return;
    }
    showButton.disabled = true;
    try {
      const read = await api.webhook(endpoint.id, access.token());
      if (stopped) return;
      secretShown = true;
      secretSlot.replaceChildren(h("div", { class: "notice secret-reveal" }, secretBox(read.secret, {
        note: "The signing secret of this endpoint: keep it private, with your receiver." })));
      showButton.textContent = "Hide secret";
      showButton.setAttribute("aria-expanded", "true");
      message.replaceChildren();
    } catch (error) {
      say("bad", access.refusal(error));
    } finally {
      showButton.disabled = false;
    }
  }

  async function remove() {
    confirmButton.disabled = true;
    try {
      await api.deleteWebhook(endpoint.id, access.token());
      onDeleted(endpoint);
    } catch (error) {
      // Deleted elsewhere meanwhile: it is gone all the same.
      if (error.status === 404) onDeleted(endpoint);
      else say("bad", access.refusal(error));
    } finally {
      confirmButton.disabled = false;
    }
  }

  return {
    element,
    refresh: () => deliveries.refresh(),
    stop() {
      stopped = true;
      deliveries.stop();
    },
  };
}
