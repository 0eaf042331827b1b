// A confirmed booking's tickets (#/bookings/{id}/tickets): each with its QR code, what it admits to and whose it is,
// printable one ticket a page, each code downloadable as a PNG. The QR images need the Authorization header, so they
// are fetched, not linked: the SVG is put inline, the PNG behind a blob URL.

import * as api from "../api.js";
import { dateTime, h, money } from "../format.js";
import * as session from "../session.js";
import { placeLabel } from "../ticketinfo.js";

/** The SVG text of a QR code as an element of this page (parsed as XML, so nothing in it runs). */
function svgElement(text) {
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg" || parsed.querySelector("parsererror")) throw new Error("The QR code could not be read.");
  for (const script of svg.querySelectorAll("script, foreignObject")) script.remove();
  svg.setAttribute("role", "img");
  return document.importNode(svg, true);
}

export async function renderTickets(root, { live, params: [bookingId] }) {
  root.append(h("p", { class: "no-print" }, h("a", { href: "#/bookings" }, "← My bookings")), h("h1", {}, "Tickets"));
  if (!session.accessToken() && !session.organizerToken()) {
    root.append(h("p", { class: "notice warn" }, "Sign in (top right) with the account that booked these tickets."));
    return null;
  }
  const message = h("div", { "aria-live": "polite", "data-testid": "tickets-message" });
  const list = h("div", { class: "tickets", "data-testid": "tickets" });
  const print = h("button", { type: "button", class: "no-print", "data-testid": "print", disabled: true, onclick: () => window.print() }, "Print");
  root.append(h("div", { class: "row no-print" }, print,
    h("span", { class: "muted" }, "Show the code at the door, on your phone or printed (one ticket a page).")), message, list);

  const urls = [];
  let stopped = false;
  // The owner's own session, or the organizer's token when the session is not the owner's.
  let token;

  async function read() {
    try {
      return await api.bookingTickets(bookingId, token);
    } catch (error) {
      if (!token && [403, 404].includes(error.status) && session.organizerToken()) {
        token = session.organizerToken();
        return api.bookingTickets(bookingId, token);
      }
      throw error;
    }
  }

  function card(ticket) {
    const revoked = ticket.status === "revoked";
    const qr = h("div", { class: "qr", "data-testid": "ticket-qr" });
    const download = h("a", { class: "button secondary no-print", "data-testid": "download-png", download: `ticket-${ticket.id}.png`, "aria-disabled": "true" },
      "Download PNG");
    const detail = (label, value, testId) => [h("dt", {}, label), h("dd", { "data-testid": testId }, value)];
    // A new code for a ticket whose code was shared or lost: two clicks, since the old code then stops admitting.
    const reissue = h("button", { type: "button", class: "secondary no-print", "data-testid": "reissue", onclick: async () => {
      if (!reissue.dataset.armed) {
        reissue.dataset.armed = "true";
        reissue.textContent = "Sure? The old code stops working";
        return;
      }
      reissue.disabled = true;
      try {
        await api.reissueTicket(ticket.id, token);
        message.replaceChildren(h("p", { class: "notice ok" }, `Ticket ${ticket.id} has a new code; the old one no longer admits.`));
        await load();
      } catch (error) {
        reissue.disabled = false;
        message.replaceChildren(h("p", { class: "notice bad" }, error.message));
      }
    } }, "New code");
    const element = h("article", { class: `ticket-card${revoked ? " revoked" : ""}`, "data-testid": "ticket", "data-ticket-id": ticket.id, "data-status": ticket.status,
      "data-version": ticket.version },
      h("div", { class: "ticket-body" },
        h("h2", { "data-testid": "ticket-title" }, ticket.event_title),
        h("p", { class: "ticket-when" }, h("time", { datetime: ticket.starts_at, "data-testid": "ticket-date" }, dateTime(ticket.starts_at)), " · ", ticket.venue),
        h("dl", {},
          ...detail(ticket.seat ? "Seat" : "Admission", placeLabel(ticket), "ticket-place"),
          ...detail("Category", ticket.category, "ticket-category"),
          ...detail("Price", money(ticket.price_minor, ticket.currency)),
          ...detail("Holder", ticket.holder, "ticket-holder"),
          ...detail("Ticket", ticket.version > 1 ? `${ticket.id} (code ${ticket.version})` : ticket.id),
          ...detail("Status", revoked ? "Revoked — this ticket no longer admits" : ticket.checked_in_at
            ? `Checked in ${dateTime(ticket.checked_in_at)}${ticket.gate ? ` at ${ticket.gate}` : ""}` : "Valid", "ticket-status"))),
      revoked
        ? h("div", { class: "qr revoked-mark", "data-testid": "ticket-revoked" }, "REVOKED")
        : h("div", { class: "ticket-code" }, qr, download, ticket.checked_in_at ? null : reissue));
    if (!revoked) {
      api.ticketSVG(ticket.id, token).then((text) => {
        if (!stopped) qr.replaceChildren(svgElement(text));
      }).catch((error) => { qr.replaceChildren(h("p", { class: "notice bad" }, error.message)); });
      api.ticketPNG(ticket.id, token).then((blob) => {
        if (stopped) return;
        const url = URL.createObjectURL(blob);
        urls.push(url);
        download.href = url;
        download.removeAttribute("aria-disabled");
      }).catch(() => { download.textContent = "PNG unavailable"; });
    }
    return element;
  }

  async function load() {
    let tickets;
    try {
      tickets = await read();
    } catch (error) {
      if (stopped) return;
      if (error.is?.("tickets-not-issued")) {
        message.replaceChildren(h("p", { class: "notice warn", "data-testid": "tickets-not-issued" },
          "The tickets are issued once the booking is paid. ", h("a", { href: "#/bookings" }, "See the booking"), "."));
      } else {
        message.replaceChildren(h("p", { class: "notice bad" }, error.message));
      }
      return;
    }
    if (stopped) return;
    message.replaceChildren();
    for (const url of urls.splice(0)) URL.revokeObjectURL(url);
    list.replaceChildren(...tickets.map(card));
    print.disabled = !tickets.some((ticket) => ticket.status !== "revoked");
    if (!tickets.length) list.append(h("p", { class: "muted" }, "This booking has no tickets."));
  }
  await load();

  // A booking paid (or refunded) elsewhere: its tickets appear (or turn revoked) without a reload.
  const customer = session.customer();
  const stops = customer ? [
    live.subscribe({ customer }),
    live.on("booking", (change) => { if (change.customer === customer && change.booking_id === bookingId) load(); }),
  ] : [];
  return () => {
    stopped = true;
    for (const stop of stops) stop();
    for (const url of urls) URL.revokeObjectURL(url);
  };
}
