// Starts the app: the live connection, the header, and a view per #/route.

import * as api from "./api.js";
import { Live, showConnection } from "./live.js";
import { h } from "./format.js";
import * as session from "./session.js";
import { renderEvents } from "./views/events.js";
import { renderEvent } from "./views/event.js";
import { renderBookings } from "./views/bookings.js";
import { renderWallet } from "./views/wallet.js";
import { renderOrganizer } from "./views/organizer.js";
import { renderTickets } from "./views/tickets.js";
import { renderScanner } from "./views/scanner.js";
import { renderWebhooks } from "./views/webhooks.js";

// Behind the gateway with several booking instances, this cookie sends the page's seat map reads and its live
// socket to the same instance, so the map's versions and the socket's deltas line up (deploy/nginx.conf).
if (!document.cookie.split("; ").some((cookie) => cookie.startsWith("boxoffice_client="))) {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, "0")).join("");
  document.cookie = `boxoffice_client=${id}; path=/; max-age=31536000; SameSite=Lax`;
}

const live = new Live();
const view = document.getElementById("view");
let cleanup = null;
let current = 0;

const routes = [
  { pattern: /^#?\/?$/, nav: "events", render: renderEvents },
  { pattern: /^#\/events\/(\d+)$/, nav: "events", render: renderEvent },
  { pattern: /^#\/bookings$/, nav: "bookings", render: renderBookings },
  { pattern: /^#\/bookings\/([0-9a-fA-F-]{1,64})\/tickets$/, nav: "bookings", render: renderTickets },
  { pattern: /^#\/scan\/(\d+)$/, nav: "organizer", render: renderScanner },
  { pattern: /^#\/wallet$/, nav: "wallet", render: renderWallet },
  { pattern: /^#\/organizer$/, nav: "organizer", render: renderOrganizer },
  { pattern: /^#\/organizer\/webhooks$/, nav: "organizer", render: renderWebhooks },
];

async function route() {
  cleanup?.();
  cleanup = null;
  const mine = ++current;
  const hash = location.hash || "#/";
  const match = routes.map((candidate) => ({ candidate, found: hash.match(candidate.pattern) })).find((entry) => entry.found);
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (match && link.dataset.nav === match.candidate.nav) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  // Each route renders into its own container, so a slow render that finishes after the next route
  // started can be thrown away whole, subscriptions included.
  const page = h("div");
  view.replaceChildren(page);
  if (!match) {
    page.append(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "See the events")));
    return;
  }
  const stops = [];
  const scoped = { live, params: match.found.slice(1), onCleanup: (stop) => stops.push(stop) };
  let stop = null;
  try {
    stop = await match.candidate.render(page, scoped);
  } catch (error) {
    page.append(h("p", { class: "notice bad" }, error.message));
  }
  const done = () => {
    stop?.();
    for (const each of stops) each();
  };
  if (mine === current) cleanup = done;
  else done();
}

/** The header's account corner: log in (customers and organizers alike), sign up or continue as a guest; signed in,
 * the name (marked for an organizer) and Log out (and a guest may sign up, keeping its bookings and wallet). */
function renderWho() {
  const who = document.getElementById("who");
  const message = h("span", { class: "auth-message", role: "status", "data-testid": "auth-message" });
  const attempt = (action) => async () => {
    message.textContent = "";
    try {
      session.setGrant(await action());
    } catch (error) {
      message.textContent = error.message;
    }
  };
  const email = h("input", { id: "email-input", type: "email", "aria-label": "Email", placeholder: "Email", autocomplete: "email", maxlength: "254" });
  const password = h("input", { id: "password-input", type: "password", "aria-label": "Password", placeholder: "Password (8+)", autocomplete: "current-password", maxlength: "72" });
  const signUp = h("button", { class: "secondary", type: "button", "data-testid": "sign-up", onclick: attempt(() => api.signup(email.value, password.value)) }, "Sign up");
  const name = session.displayName();
  if (name) {
    const current = session.current();
    const logOut = async () => {
      if (current.refreshToken) await api.logout(current.refreshToken).catch(() => {});
      session.clear();
    };
    who.replaceChildren(
      h("span", {}, "Signed in as ", h("strong", { "data-testid": "customer-name" }, name),
        current.role === "organizer" ? h("span", { class: "role", "data-testid": "organizer-badge" }, "organizer") : null),
      ...(current.role === "guest" ? [h("form", { class: "row", onsubmit: (event) => { event.preventDefault(); signUp.click(); } }, email, password, signUp)] : []),
      h("button", { class: "secondary", type: "button", "data-testid": "log-out", onclick: logOut }, "Log out"),
      message,
    );
    return;
  }
  const logIn = h("button", { type: "submit", "data-testid": "log-in" }, "Log in");
  const form = h("form", { class: "row", onsubmit: (event) => {
    event.preventDefault();
    attempt(() => api.login(email.value, password.value))();
  } }, email, password, logIn, signUp,
  h("button", { class: "secondary", type: "button", "data-testid": "continue-as-guest", onclick: attempt(() => api.guest()) }, "Continue as guest"));
  who.replaceChildren(form, message);
}

window.addEventListener("hashchange", route);
window.addEventListener("customerchange", () => {
  live.authenticate();
  renderWho();
  route();
});
showConnection(live, document.getElementById("connection"));
live.start();
renderWho();
route();
