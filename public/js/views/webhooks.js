// The organizer's webhooks (#/organizer/webhooks): add an endpoint (its secret shown once added), and each endpoint
// with its deliveries. The endpoints and their deliveries are read again every 3 s while the page is open and the tab
// seen (not while it is hidden), and on Refresh.

import * as api from "../api.js";
import { h } from "../format.js";
import { organizerAccess } from "./organizeraccess.js";
import { organizerNav } from "./organizernav.js";
import { webhookCard } from "./webhookendpoint.js";
import { webhookForm } from "./webhookform.js";

const refreshEvery = 3000;

export async function renderWebhooks(root) {
  root.append(h("h1", {}, "Webhooks"), organizerNav("#/organizer/webhooks"));
  const access = organizerAccess(() => {
    form.clear();
    list();
  });
  root.append(access.element,
    h("p", { class: "muted lead" }, "Boxoffice POSTs a signed JSON notice to each endpoint when something it asks for happens: a booking paid or ",
      "refunded, a ticket let in, an event sold out or called off. A delivery that is not answered with a 2xx is tried again with backoff, ",
      "and parked when its retry window ends; Resend sends it again."));

  const form = webhookForm(access, () => {
    said.replaceChildren();
    list();
  });
  root.append(h("h2", {}, "Add an endpoint"), form.element);

  const cards = new Map();
  const listed = h("div", { class: "webhook-list", "data-testid": "webhooks" });
  const message = h("div", { "aria-live": "polite", "data-testid": "webhooks-message" });
  // What a deletion said: kept while the list is read again.
  const said = h("div", { "aria-live": "polite" });
  const refreshed = h("span", { class: "muted", "data-testid": "webhooks-refreshed" });
  const refreshButton = h("button", { type: "button", class: "secondary", "data-testid": "webhooks-refresh", onclick: () => refresh() }, "Refresh");
  root.append(h("div", { class: "row list-head" }, h("h2", {}, "Endpoints"), refreshButton, refreshed), message, said, listed);

  let reads = 0;
  let stopped = false;

  /** Reads the endpoints and lists them: a card kept for one already listed (its open rows and filter too), a new
   * card for one added, none for one deleted. */
  async function list() {
    const mine = ++reads;
    if (!access.ready()) {
      for (const card of cards.values()) card.stop();
      cards.clear();
      listed.replaceChildren();
      message.replaceChildren(h("p", { class: "notice warn" }, `${access.askToSignIn} Then you see and add webhooks.`));
      return false;
    }
    try {
      const { webhooks } = await api.webhooks(access.token());
      if (stopped || mine !== reads) return false;
      const ids = new Set(webhooks.map((endpoint) => endpoint.id));
      for (const [id, card] of cards) {
        if (!ids.has(id)) {
          card.stop();
          cards.delete(id);
        }
      }
      const fresh = new Set();
      for (const endpoint of webhooks) {
        if (!cards.has(endpoint.id)) {
          cards.set(endpoint.id, webhookCard(endpoint, access, { onDeleted: deleted }));
          fresh.add(endpoint.id);
        }
      }
      // Newest first, like the deliveries; the list is only rebuilt when it changed, so the focus stays put.
      const wanted = webhooks.slice().reverse().map((endpoint) => cards.get(endpoint.id).element);
      if (!webhooks.length) wanted.push(h("p", { class: "muted", "data-empty": true }, "No endpoints yet: add one above."));
      const same = wanted.length === listed.children.length && wanted.every((node, index) => listed.children[index] === node);
      if (!same) listed.replaceChildren(...wanted);
      message.replaceChildren();
      refreshed.textContent = `Read again every ${refreshEvery / 1000} s; last at ${new Date().toLocaleTimeString()}.`;
      return fresh;
    } catch (error) {
      if (!stopped && mine === reads) message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
      return false;
    }
  }

  /** The endpoints again, and the deliveries of those already listed (a new card reads its own). */
  async function refresh() {
    const fresh = await list();
    if (!fresh) return;
    for (const [id, card] of cards) if (!fresh.has(id)) card.refresh();
  }

  function deleted(endpoint) {
    const card = cards.get(endpoint.id);
    card?.stop();
    card?.element.remove();
    cards.delete(endpoint.id);
    said.replaceChildren(h("p", { class: "notice ok", "data-testid": "webhook-deleted", tabindex: "-1" }, "Deleted the endpoint ", h("code", {}, endpoint.url), "."));
    // Its Delete button went with it: the focus goes to what happened.
    said.firstChild.focus();
    list();
  }

  const timer = setInterval(() => {
    if (document.visibilityState === "visible") refresh();
  }, refreshEvery);
  await list();
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const card of cards.values()) card.stop();
  };
}
