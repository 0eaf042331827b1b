// One event: the live seat map, GA pools, and the way from selection (picked by hand, or chosen by the server's
// best available) to hold to payment. An event sold behind a waiting room shows its queue first: the ways to hold
// appear once the server admits the visitor, and every hold then carries the admission pass.

import * as api from "../api.js";
import { EventFeed } from "../eventfeed.js";
import { clock, dateTime, duration, h, money, statusLabel } from "../format.js";
import { solveChallenge } from "../pow.js";
import { HELD_COLOUR, PALETTE, SELECTED_COLOUR, SOLD_COLOUR, SeatMapView, accessibleSwatch } from "../seatmap.js";
import * as session from "../session.js";

/** While the live socket is down, the waiting room is read this often instead (ms). */
const QUEUE_FALLBACK_POLL = 10000;
/** With the socket up, a room that sent no frame for this long is read once (switched off?) (ms). */
const QUEUE_SILENCE = 6000;
/** The least time between two reads of the visitor's place that a frame asks for (ms). */
const PLACE_READ_GAP = 2000;

export async function renderEvent(root, { live, params }) {
  const eventId = Number(params[0]);
  const event = await api.event(eventId);
  const customer = session.customer();
  const currency = event.currency;
  let model = null;
  let booking = null;
  let timer = null;
  let requested = new Set();
  let paying = false;
  /** A hold request is on its way: both ways to hold wait for its answer. */
  let busy = false;
  /** Until when (Date.now() ms) a 429's Retry-After keeps the Hold button off. */
  let holdBlockedUntil = 0;
  let unblockTimer = null;
  /** The waiting room: whether holds need a pass, the room (GET …/queue), the visitor's place in it (GET …/queue/me,
   * null before joining), whether the visitor was ever admitted, and the most people seen ahead (the progress bar's length). */
  let queued = Boolean(event.waiting_room);
  let room = null;
  let place = null;
  let wasAdmitted = false;
  let mostAhead = 0;
  let joining = false;
  let queueClock = null;
  let stopped = false;
  /** The live queue topic: the last frame (null while the socket is down), when it came, the highest cursor seen (from
   * frames or the place), and whether the topic was answered before (a later `subscribed` is a reconnect). */
  let frame = null;
  let frameSeenAt = 0;
  let knownCursor = 0;
  let stopQueueTopic = null;
  let queueSubscribed = false;
  /** Reads of the place (one at a time, another asked for meanwhile runs after it) and of the room. */
  let readingPlace = false;
  let placeAgain = false;
  let placeReadAt = 0;
  let roomReadAt = 0;
  let readingRoom = false;
  /** The proof of work being solved for a join (cancelled when the page goes). */
  let proofTask = null;

  const announcer = h("p", { class: "sr-only", "aria-live": "polite" });
  const canvas = h("canvas", { class: "seatmap", "data-testid": "seatmap" });
  const available = h("span", { "data-testid": "seats-available" });
  const legend = h("div", { class: "legend", "aria-label": "Legend" });
  const selectionList = h("ul", { class: "selection", "data-testid": "selection" });
  const poolInputs = new Map();
  const poolList = h("div");
  const total = h("strong", { "data-testid": "total" }, money(0, currency));
  const message = h("div", { "data-testid": "message", "aria-live": "polite" });
  const holdButton = h("button", { type: "button", "data-testid": "hold", disabled: true, onclick: () => hold() }, "Hold selected");
  // Buy now: where the wallet already covers the selection, one click holds and pays (the server answers with the outcome).
  const buyButton = h("button", { type: "button", "data-testid": "buy-now", hidden: true, disabled: true, onclick: () => buyNow() }, "Buy now");
  /** The signed-in visitor's wallet ({ balance_minor, currency }), or null without one; kept current by the live feed. */
  let wallet = customer ? await api.myWallet().catch(() => null) : null;
  const holdBox = h("div", { "data-testid": "hold-box", hidden: true });
  const signInNotice = customer ? null : h("p", { class: "notice warn" }, "Sign in or continue as a guest (top right) to book.");

  // Best available: the server chooses the best seats side by side, the quickest way to buy on a phone, so it comes
  // first (above the map on a narrow screen, at the top of the side panel on a wide one).
  const bestLimit = Math.min(event.max_tickets_per_booking, event.max_tickets_per_customer ?? Infinity);
  const bestQuantity = h("select", { id: "best-quantity", "data-testid": "best-quantity" },
    Array.from({ length: bestLimit }, (_, i) => h("option", { value: String(i + 1), selected: i + 1 === Math.min(2, bestLimit) }, String(i + 1))));
  const bestCategory = h("select", { id: "best-category", "data-testid": "best-category" },
    h("option", { value: "" }, "Any category"),
    event.categories.map((category) => h("option", { value: category.id }, `${category.name || category.id} · ${money(category.price_minor, currency)}`)));
  const bestButton = h("button", { type: "button", "data-testid": "best-available", disabled: true, onclick: () => findBest(true) }, "Find best seats");
  const bestMessage = h("div", { "data-testid": "best-message", "aria-live": "polite" });
  const bestBox = event.seats_total ? h("section", { class: "best card", "aria-labelledby": "best-title" },
    h("h2", { id: "best-title" }, "Best available"),
    h("p", { class: "muted hint" }, "We pick the best seats left, side by side and closest to the stage."),
    signInNotice,
    h("div", { class: "row" },
      h("div", {}, h("label", { for: "best-quantity" }, "Seats"), bestQuantity),
      h("div", { class: "grow" }, h("label", { for: "best-category" }, "Category"), bestCategory),
      bestButton),
    bestMessage) : null;
  const cap = event.max_tickets_per_customer;
  const capNote = typeof cap === "number"
    ? h("p", { class: "muted cap", "data-testid": "customer-cap" }, `Up to ${cap} ${cap === 1 ? "ticket" : "tickets"} per customer`)
    : null;
  const map = new SeatMapView(canvas, {
    selectable: !queued,
    announce: (text) => { announcer.textContent = text; },
    onSelect: (_, taken) => {
      const lost = taken.filter((index) => !requested.has(index));
      if (lost.length) say("warn", `${lost.map((i) => model.describe(i)).join("; ")} was just taken by someone else.`);
      refreshSelection();
    },
  });
  canvas.seatMapView = map;

  // The waiting room's panel: before the visitor joins, the way in; then the place, until it is the visitor's turn.
  const queueState = h("p", { class: "queue-state", "data-testid": "queue-state", "data-state": "loading" });
  const queueNote = h("p", { class: "muted hint" });
  const queueCountdownLabel = h("span");
  const queueCountdown = h("span", { class: "countdown", "data-testid": "queue-countdown" });
  const queueCountdownLine = h("p", { hidden: true }, queueCountdownLabel, " ", queueCountdown);
  const queuePosition = h("strong", { class: "big", "data-testid": "queue-position" });
  const queueAhead = h("strong", { class: "big", "data-testid": "queue-ahead" });
  const queueEta = h("strong", { "data-testid": "queue-eta" });
  const queueProgress = h("progress", { class: "queue-progress", "data-testid": "queue-progress", max: "1", value: "0", "aria-label": "Your way through the queue" });
  const queueFigures = h("div", { hidden: true },
    h("div", { class: "stats" },
      h("div", {}, h("div", { class: "muted" }, "Your place"), queuePosition),
      h("div", {}, h("div", { class: "muted" }, "People ahead"), queueAhead)),
    h("p", {}, "Your turn in ", queueEta),
    queueProgress);
  const passTime = h("span", { class: "countdown", "data-testid": "queue-pass-time" });
  const passLine = h("p", { hidden: true }, "Time left to hold seats: ", passTime);
  const joinButton = h("button", { type: "button", "data-testid": "queue-join", hidden: true, onclick: () => joinQueue() }, "Join the queue");
  const queueCheckText = h("span", { "data-testid": "queue-check-text" }, "Checking your browser…");
  const queueCheckProgress = h("progress", { class: "queue-progress", "data-testid": "queue-check-progress", max: "1", value: "0",
    "aria-label": "Checking your browser" });
  const queueCheck = h("div", { class: "queue-check", "data-testid": "queue-check", role: "status", hidden: true }, h("p", {}, queueCheckText), queueCheckProgress);
  const queueMessage = h("div", { "data-testid": "queue-message", "aria-live": "polite" });
  const queueBox = h("section", { class: "queue card", "data-testid": "queue", "aria-labelledby": "queue-title", hidden: !queued },
    h("h2", { id: "queue-title" }, "Waiting room"),
    h("div", { "aria-live": "polite" }, queueState, queueNote),
    queueCountdownLine, queueFigures, passLine, joinButton, queueCheck, queueMessage);

  // The ways to pick and hold; behind a waiting room they show only while the visitor's pass runs.
  const buying = h("div", { class: "buying" },
    h("h2", { style: "margin-top:0" }, "Your selection"),
    bestBox ? null : signInNotice,
    selectionList, poolList,
    h("p", {}, "Total: ", total),
    capNote,
    h("div", { class: "row" }, holdButton, buyButton));
  const panel = h("aside", { class: "panel card", "aria-label": "Your booking", hidden: queued }, buying, message, holdBox);
  if (bestBox) bestBox.hidden = queued;
  const layoutClass = ["event-layout", bestBox ? "with-best" : "", queued ? "with-queue" : ""].filter(Boolean).join(" ");
  const layout = h("div", { class: layoutClass },
    queueBox,
    bestBox,
      h("section", { class: "seats", "aria-label": "Seats" },
        event.seats_total ? h("div", { class: "map-wrap" },
          h("div", { class: "map-tools" },
            h("button", { type: "button", class: "secondary", "aria-label": "Zoom out", onclick: () => map.zoom(0.8) }, "−"),
            h("button", { type: "button", class: "secondary", "aria-label": "Zoom in", onclick: () => map.zoom(1.25) }, "+"),
            h("button", { type: "button", class: "secondary", onclick: () => map.fit() }, "Fit"),
            h("span", { class: "muted" }, available, ` of ${event.seats_total} seats available`)),
          canvas, legend, announcer) : h("p", { class: "muted" }, "This event has general admission only.")),
    panel);

  root.append(...[
    h("h1", {}, event.title),
    h("p", { class: "muted" }, `${event.venue} · ${dateTime(event.starts_at)}`),
    event.description ? h("p", {}, event.description) : null,
    layout,
  ].filter(Boolean));

  /** Shows one message: by the Hold button, or (`where` = bestMessage) by Find best seats; the other one is cleared. */
  function say(kind, text, where = message, ...extra) {
    message.replaceChildren();
    bestMessage.replaceChildren();
    if (text) where.replaceChildren(h("p", { class: `notice ${kind}` }, text, ...extra));
  }

  const sayBest = (kind, text, ...extra) => say(kind, text, bestMessage, ...extra);

  function renderLegend() {
    legend.replaceChildren(
      ...event.categories.map((category, index) => h("span", {},
        h("i", { class: "swatch", style: `background:${PALETTE[index % PALETTE.length]}` }), `${category.name || category.id} ${money(category.price_minor, currency)}`)),
      h("span", {}, h("i", { class: "swatch", style: `background:${SELECTED_COLOUR}` }), "your selection and seats"),
      h("span", {}, h("i", { class: "swatch", style: `background:${HELD_COLOUR}` }), "held"),
      h("span", {}, h("i", { class: "swatch", style: `background:${SOLD_COLOUR}` }), "sold"),
      ...(model.accessible.includes(1) ? [h("span", { "data-testid": "legend-accessible", title: "Accessible seat" }, accessibleSwatch(), "accessible seat")] : []));
  }

  const poolLeft = new Map();
  /** Builds the GA rows once and afterwards only updates their counts, so typing in a field is never interrupted. */
  function renderPools() {
    for (const pool of model.pools.values()) {
      let input = poolInputs.get(pool.id);
      if (!input) {
        input = h("input", { type: "number", min: "0", value: "0", id: `pool-${pool.id}`, "data-testid": `pool-${pool.id}`, style: "width:5rem", oninput: refreshSelection });
        poolInputs.set(pool.id, input);
        poolLeft.set(pool.id, h("span", { class: "muted" }));
        poolList.append(h("div", {},
          h("label", { for: `pool-${pool.id}` }, `${pool.name} · ${money(pool.price_minor, currency)}`),
          h("div", { class: "row" }, input, poolLeft.get(pool.id))));
      }
      input.max = String(Math.min(pool.available, event.max_tickets_per_booking));
      poolLeft.get(pool.id).textContent = pool.available > 0 ? `${pool.available} left` : "sold out";
    }
  }

  function tickets() {
    return [...poolInputs.entries()].map(([poolId, input]) => ({ pool_id: poolId, quantity: Math.max(0, Math.floor(Number(input.value) || 0)) }))
      .filter((line) => line.quantity > 0);
  }

  function refreshSelection() {
    if (!model) return;
    const seats = [...map.selected].sort((a, b) => a - b);
    selectionList.replaceChildren(...seats.map((index) => h("li", { "data-seat-id": model.seatId(index) },
      h("span", {}, model.describe(index), model.isAccessible(index)
        ? [" ", h("span", { class: "accessible", title: "Accessible seat", "aria-label": "accessible seat" }, "♿")] : null),
      h("span", {}, money(model.price(index), currency)))));
    let sum = seats.reduce((value, index) => value + model.price(index), 0);
    for (const line of tickets()) sum += model.pools.get(line.pool_id).price_minor * line.quantity;
    total.textContent = money(sum, currency);
    const canHold = booking === null && customer && !busy && Date.now() >= holdBlockedUntil && !gated();
    holdButton.disabled = !canHold || (seats.length === 0 && tickets().length === 0);
    const covered = wallet !== null && wallet.currency === currency && wallet.balance_minor >= sum;
    buyButton.hidden = !covered || sum === 0;
    buyButton.disabled = holdButton.disabled || !covered;
    buyButton.textContent = `Buy now · ${money(sum, currency)}`;
    buyButton.title = covered ? `Pay ${money(sum, currency)} from your wallet at once` : "";
    bestButton.disabled = !canHold;
    for (const button of bestMessage.querySelectorAll("[data-testid=best-split]")) button.disabled = !canHold;
  }

  const feed = new EventFeed(live, eventId, (next, changed) => {
    model = next;
    available.textContent = String(model.seatsAvailable);
    if (changed === null) {
      map.show(model);
      renderLegend();
    } else {
      map.changed(changed);
    }
    renderPools();
    refreshSelection();
  });
  showQueue();
  await feed.reload();
  if (queued) await startQueue();

  /** Holds the seats picked on the map and the GA tickets asked for. */
  function hold() {
    const seatIds = [...map.selected].map((index) => model.seatId(index));
    return placeHold({ event_id: eventId, seat_ids: seatIds, ga: tickets() }, say);
  }

  /** Holds the seats and tickets picked and pays for them from the wallet in the same request. */
  function buyNow() {
    const seatIds = [...map.selected].map((index) => model.seatId(index));
    return placeHold({ event_id: eventId, seat_ids: seatIds, ga: tickets(), pay: true }, say);
  }

  /** Asks the server for the best `quantity` seats (side by side unless `together` is false), with the GA tickets asked for. */
  function findBest(together, quantity = Number(bestQuantity.value), category = bestCategory.value) {
    const request = { quantity, together };
    if (category) request.categories = [category];
    return placeHold({ event_id: eventId, best_available: request, ga: tickets() }, sayBest, (held) => {
      const seats = held.seat_ids.map((id) => model.indexOf(id)).filter((index) => index >= 0 && index < model.count);
      if (seats.length === 0) return;
      const names = model.describeSeats(seats);
      // On a narrow screen the booking box is below the map: one tap takes the buyer there.
      const toPay = h("span", { class: "actions narrow-only" },
        h("button", { type: "button", class: "secondary", onclick: () => holdBox.scrollIntoView({ behavior: "smooth", block: "center" }) }, "Go to payment"));
      if (seats.length === 1) sayBest("ok", `Your seat: ${names}.`, toPay);
      else if (held.together) sayBest("ok", `Together in row ${model.rows[model.rowOf[seats[0]]].label}: ${names}.`, toPay);
      else sayBest("warn", `Not side by side: ${names}.`, toPay);
    }, (error) => {
      if (!error.is?.("not-enough-seats")) return false;
      // Nothing side by side is left: offer the same request with the seats split, in one click.
      const split = together ? h("button", { type: "button", class: "secondary", "data-testid": "best-split", onclick: () => findBest(false, quantity, category) },
        "Allow split seats") : null;
      sayBest("bad", error.message, split ? h("span", { class: "actions" }, split) : null);
      return true;
    });
  }

  /**
   * Sends a hold (picked seats or best available) and shows the booking with its countdown. `report(kind, text)` shows
   * its messages; `onHeld(booking)` may describe the seats held; `onError(error)` may handle a refusal (true when it did).
   */
  async function placeHold(body, report, onHeld = () => {}, onError = () => false) {
    // The selection stays the customer's own while the request runs: seats of it that turn taken meanwhile may be
    // the ones this request takes, not someone else's.
    requested = new Set(map.selected);
    busy = true;
    refreshSelection();
    say("", "");
    try {
      booking = await api.hold(body, queueHeaders());
      booking.localDeadline = Date.now() + (new Date(booking.expires_at) - new Date(booking.created_at));
      map.clearSelection();
      map.setMine(booking.seat_ids.map((id) => model.indexOf(id)));
      for (const input of poolInputs.values()) input.value = "0";
      showHold();
      onHeld(booking);
      // Bought at once: the answer is the outcome (or payment_pending, then the live feed tells it).
      if (booking.status !== "held") showStatus(booking);
    } catch (error) {
      // The server's own sentence always reaches the buyer: over the cap (409 ticket-limit-reached) it names the cap and
      // what the buyer holds; over the address's cap (429 address-limit-reached) it says when to try again.
      if (!onError(error)) {
        if (error.is?.("queue-pass-required") || error.is?.("queue-pass-invalid")) refusedForPass();
        else if (error.is?.("queue-pass-used")) passUsed(error);
        else if (error.is?.("seat-taken") || error.is?.("sold-out")) report("bad", `${error.message} Someone was faster; pick other seats.`);
        else if (error.is?.("ticket-limit-reached")) report("bad", `${error.message} Pick fewer tickets, or release a hold you no longer need.`);
        else report(error.status === 429 ? "warn" : "bad", error.message);
      }
      if (error.status === 429 && error.retryAfter) blockHold(error.retryAfter);
      feed.reload();
    }
    busy = false;
    requested = new Set();
    refreshSelection();
  }

  /** Keeps the Hold button off for the seconds a 429 asked to wait, then turns it back on. */
  function blockHold(seconds) {
    holdBlockedUntil = Date.now() + seconds * 1000;
    clearTimeout(unblockTimer);
    unblockTimer = setTimeout(refreshSelection, seconds * 1000 + 50);
  }

  function showHold() {
    const status = h("span", { class: "status", "data-testid": "booking-status", "data-status": booking.status }, statusLabel(booking.status));
    const countdown = h("span", { class: "countdown", "data-testid": "countdown" });
    const payButton = h("button", { type: "button", "data-testid": "pay", onclick: () => payNow(payButton, releaseButton) }, `Pay ${money(booking.amount_minor, currency)}`);
    const releaseButton = h("button", { type: "button", class: "danger", "data-testid": "release", onclick: () => releaseNow() }, "Release");
    holdBox.hidden = false;
    holdBox.replaceChildren(
      h("h2", {}, "Your booking"),
      h("p", {}, status),
      h("p", { "data-testid": "hold-timer" }, "Held for you for ", countdown),
      h("div", { class: "row" }, payButton, releaseButton),
      h("p", { class: "muted" }, "Payment comes from your ", h("a", { href: "#/wallet" }, "wallet"), "."));
    clearInterval(timer);
    const tick = () => {
      const left = (booking.localDeadline - Date.now()) / 1000;
      countdown.textContent = clock(left);
      if (left <= 0 && booking.status === "held" && !paying) expired();
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  /** The hold ended without payment: `expired`, or `released` (from another page or tab). */
  function ended(status) {
    clearInterval(timer);
    map.setMine([]);
    booking = null;
    holdBox.hidden = true;
    say("bad", status === "released"
      ? "Your hold was released and the seats went back on sale."
      : "Your hold expired and the seats went back on sale. Select seats to try again.");
    refreshSelection();
  }

  function expired() {
    ended("expired");
  }

  async function payNow(payButton, releaseButton) {
    payButton.disabled = true;
    releaseButton.disabled = true;
    paying = true;
    try {
      showStatus(await api.pay(booking.id));
    } catch (error) {
      say("bad", error.message);
      payButton.disabled = false;
      releaseButton.disabled = false;
    }
    paying = false;
  }

  async function releaseNow() {
    try {
      await api.release(booking.id);
      map.setMine([]);
      clearInterval(timer);
      booking = null;
      holdBox.hidden = true;
      say("", "");
      refreshSelection();
    } catch (error) {
      say("bad", error.message);
    }
  }

  function showStatus(updated) {
    if (!booking || updated.id !== booking.id) return;
    booking = { ...booking, status: updated.status };
    const badge = holdBox.querySelector("[data-testid=booking-status]");
    badge.dataset.status = booking.status;
    badge.textContent = statusLabel(booking.status);
    if (booking.status !== "held") {
      clearInterval(timer);
      holdBox.querySelector("[data-testid=hold-timer]").hidden = true;
      for (const button of holdBox.querySelectorAll("button")) button.hidden = true;
    }
    if (booking.status === "confirmed") say("ok", "Paid. Your booking is confirmed; enjoy the show!");
    if (booking.status === "payment_pending") say("warn", "Payment is being processed…");
    if (booking.status === "cancelled") {
      map.setMine([]);
      bestMessage.replaceChildren();
      message.replaceChildren(h("p", { class: "notice bad" }, "The payment was declined (is there enough money in your wallet?) and the seats went back on sale. ",
        h("a", { href: "#/wallet" }, "Top up your wallet"), " and book again."));
    }
    if (booking.status === "expired" || booking.status === "released") {
      ended(booking.status);
      return;
    }
    if (["confirmed", "cancelled"].includes(booking.status)) booking = null;
    refreshSelection();
  }

  /** Whether the visitor holds a pass the server gave: admitted, until the server says the time is up. */
  function admitted() {
    return place?.state === "admitted" && Boolean(place.pass);
  }

  /** Whether the waiting room keeps this visitor from holding. */
  function gated() {
    return queued && !admitted();
  }

  /** What a hold sends besides its body: the pass, while the event sells behind a waiting room. */
  function queueHeaders() {
    return queued && admitted() ? { "Queue-Pass": place.pass } : undefined;
  }

  /** Where the visitor stands: `loading`, `not_open` (the room opens later) or `not_joined`; once joined the server's
   * `pre_queue`, `waiting`, `admitted`, `expired` or `done` (paid: the pass has done its work). */
  function queueStage() {
    if (place) return place.state;
    if (!room) return "loading";
    return Date.now() < Date.parse(room.opens_at) ? "not_open" : "not_joined";
  }

  /** Whether admission stands still: a live frame letting in 0 a minute, or (without one) the room as last read. */
  function queuePaused() {
    return frame ? frame.admit_per_minute === 0 : Boolean(room?.paused);
  }

  /** A waiting visitor's figures, worked out from the highest cursor seen: the people ahead, and about when its turn
   * comes (seconds; null while paused). Without a live frame, the server's estimate in the place. */
  function waitingFigures() {
    const ahead = Math.max(0, place.position - knownCursor - 1);
    if (queuePaused()) return { ahead, eta: null };
    if (!frame) return { ahead, eta: place.eta_seconds ?? 0 };
    return { ahead, eta: Math.ceil(((ahead + 1) * 60) / frame.admit_per_minute) };
  }

  /** Takes what a place says of the cursor: a visitor waiting at `position` with `ahead` before it means the cursor
   * stands at `position - ahead - 1` (the cursor never goes back, so a late frame does not undo it). */
  function notePlace() {
    if (place?.state === "waiting" && Number.isInteger(place.position) && Number.isInteger(place.ahead)) {
      knownCursor = Math.max(knownCursor, place.position - place.ahead - 1);
    }
  }

  /** Reads the room and, for a signed-in visitor, its place; then shows them and follows the room's live topic. */
  async function startQueue() {
    queued = true;
    try {
      room = await api.queue(eventId);
      roomReadAt = Date.now();
      if (!room?.enabled) return leaveQueue();
      place = customer ? await api.queuePlace(eventId) : null;
      placeReadAt = Date.now();
      notePlace();
    } catch (error) {
      queueMessage.replaceChildren(h("p", { class: "notice bad" }, error.message));
    }
    if (stopped) return;
    if (!queueClock) queueClock = setInterval(tickQueue, 1000);
    if (!stopQueueTopic) stopQueueTopic = live.subscribe({ queue: eventId });
    showQueue();
  }

  /** The room was switched off: holds go without a pass again. */
  function leaveQueue() {
    queued = false;
    place = null;
    frame = null;
    stopQueueTopic?.();
    stopQueueTopic = null;
    queueSubscribed = false;
    showQueue();
  }

  /** Shows the visitor's stage, and the ways to hold only when the waiting room lets the visitor in. */
  function showQueue() {
    const stage = queueStage();
    layout.classList.toggle("with-queue", queued);
    queueBox.hidden = !queued;
    queueState.dataset.state = stage;
    const opens = room ? dateTime(room.opens_at) : "";
    const salesStart = place?.sales_start || room?.sales_start;
    const random = "When sales start, everyone in the pre-queue is put in a random order: joining early or a minute before makes no difference.";
    const [state, note] = {
      loading: ["Checking the waiting room…", ""],
      not_open: ["This sale runs through a waiting room. It opens soon.",
        `Come back at ${opens} and join the queue to get your turn to buy.${salesStart && Date.parse(salesStart) > Date.now() ? ` ${random}` : ""}`],
      not_joined: ["This sale runs through a waiting room.",
        "Join the queue to get your turn to buy. Keep this page open: it lets you in by itself when your turn comes."],
      pre_queue: ["You are in the pre-queue.", `${random} Keep this page open: it lets you in by itself when your turn comes.`],
      waiting: ["You are in the queue.", queuePaused()
        ? "Admission is paused for the moment; your place is kept. Keep this page open."
        : "Keep this page open: it lets you in by itself when your turn comes."],
      admitted: ["It is your turn: pick your seats and hold them.", "Seats you hold in time stay yours until their hold ends, even after this clock runs out."],
      expired: ["Your time to hold seats has run out.", booking
        ? "You can still pay for the seats you hold."
        : "Your turn in the waiting room is over."],
      done: ["You have bought your tickets; your pass has ended.", "Enjoy the show! Your tickets are under My bookings."],
    }[stage] || [stage, ""];
    queueState.textContent = state;
    queueNote.textContent = note;
    queueNote.hidden = !note;
    joinButton.hidden = !["not_open", "not_joined"].includes(stage);
    joinButton.disabled = stage !== "not_joined" || joining;
    queueFigures.hidden = stage !== "waiting";
    if (stage === "waiting") {
      const { ahead, eta } = waitingFigures();
      mostAhead = Math.max(mostAhead, ahead);
      queuePosition.textContent = Number.isInteger(place.position) ? String(place.position) : "–";
      queueAhead.textContent = String(ahead);
      queueEta.textContent = eta === null ? "paused" : duration(eta);
      queueEta.dataset.paused = String(eta === null);
      // You count as well: the bar is full when you are next in line.
      queueProgress.max = mostAhead + 1;
      queueProgress.value = mostAhead + 1 - ahead;
    }
    passLine.hidden = stage !== "admitted";
    if (admitted()) {
      if (!wasAdmitted) queueMessage.replaceChildren();
      wasAdmitted = true;
    }
    tickClocks();
    applyGate();
  }

  /** The clocks of the waiting room: until it opens, until sales start, the pass's time left. */
  function tickClocks() {
    const stage = queueStage();
    const target = stage === "not_open" ? room.opens_at : stage === "pre_queue" ? place.sales_start : null;
    queueCountdownLine.hidden = !target;
    if (target) {
      queueCountdownLabel.textContent = stage === "not_open" ? "Opens in" : "Sales start in";
      queueCountdown.textContent = clock((Date.parse(target) - Date.now()) / 1000);
    }
    if (stage === "admitted") passTime.textContent = clock((Date.parse(place.pass_expires_at) - Date.now()) / 1000);
  }

  /** Once a second: the clocks, and what no frame tells. */
  function tickQueue() {
    if (stopped || !queued) return;
    const stage = queueStage();
    // The room opened meanwhile: Join turns on.
    if (queueState.dataset.state !== stage) showQueue();
    else tickClocks();
    const now = Date.now();
    // The server has the last word on when the pass ends: ask it as the clock runs out.
    if (stage === "admitted" && Date.parse(place.pass_expires_at) <= now) readPlace();
    if (live.state !== "live") {
      // No live topic: read the room (and the place, while it can still change) now and then.
      if (now - roomReadAt >= QUEUE_FALLBACK_POLL) {
        readRoom();
        if (["pre_queue", "waiting", "admitted"].includes(stage)) readPlace(true);
      }
    } else if (now - frameSeenAt >= QUEUE_SILENCE && now - roomReadAt >= QUEUE_SILENCE) {
      // A room switched off sends no more frames: see whether it still runs.
      readRoom();
    }
  }

  /** Lets the visitor hold (a selectable map, Best available, the booking panel) or not. */
  function applyGate() {
    const gate = gated();
    map.options.selectable = !gate;
    if (gate && map.selected.size) map.clearSelection();
    if (bestBox) bestBox.hidden = gate;
    buying.hidden = gate;
    // A hold made in time stays on show: it is still paid there after the pass ran out.
    panel.hidden = gate && holdBox.hidden;
    refreshSelection();
  }

  /** A frame of the live queue topic: where the room's cursor stands. */
  function onQueueFrame(message) {
    if (message.event_id !== eventId || !queued || stopped) return;
    frame = message;
    frameSeenAt = Date.now();
    knownCursor = Math.max(knownCursor, message.cursor);
    const stage = queueStage();
    // The pre-queue was drawn, or the cursor reached the visitor: the place (and its pass) is the server's to tell.
    if (stage === "pre_queue" && message.ordered) readPlace();
    if (stage === "waiting" && Number.isInteger(place.position) && knownCursor >= place.position) readPlace();
    showQueue();
  }

  /** Reads the visitor's place; a read asked for within PLACE_READ_GAP of the last one waits for a later frame, unless
   * `now` (a reconnect, a payment, the fallback poll). */
  async function readPlace(now = false) {
    if (!customer || stopped || !queued) return;
    if (readingPlace) {
      placeAgain = placeAgain || now;
      return;
    }
    if (!now && Date.now() - placeReadAt < PLACE_READ_GAP) return;
    readingPlace = true;
    try {
      const read = await api.queuePlace(eventId);
      if (!stopped) {
        place = read;
        notePlace();
      }
    } catch {
      // Tried again at the next frame, tick or reconnect.
    }
    placeReadAt = Date.now();
    readingPlace = false;
    if (stopped) return;
    showQueue();
    if (placeAgain) {
      placeAgain = false;
      readPlace(true);
    }
  }

  /** Reads the room: switched off, paused, its cursor (while the socket is down). */
  async function readRoom() {
    if (readingRoom || stopped) return;
    readingRoom = true;
    roomReadAt = Date.now();
    try {
      const read = await api.queue(eventId);
      if (stopped) return;
      if (!read?.enabled) {
        leaveQueue();
        return;
      }
      room = read;
      knownCursor = Math.max(knownCursor, read.cursor);
      // The cursor reached the visitor: its pass is to be read now (after a read under way, if one is).
      if (queueStage() === "waiting" && Number.isInteger(place.position) && knownCursor >= place.position) readPlace(true);
      showQueue();
    } catch {
      // Read again at a later tick.
    } finally {
      readingRoom = false;
    }
  }

  /** The socket came back and the topic was answered again: frames may have been missed, so read the place once. */
  function onQueueSubscribed(message) {
    if (message.queue !== eventId || stopped) return;
    if (queueSubscribed && place) readPlace(true);
    queueSubscribed = true;
  }

  /** Joins the queue; a room that asks for a proof of work gets one, solved in a worker. */
  async function joinQueue() {
    joining = true;
    showQueue();
    queueMessage.replaceChildren();
    try {
      let answer;
      if ((room?.proof_of_work ?? 0) > 0) {
        answer = await joinWithProof();
      } else {
        try {
          answer = await api.joinQueue(eventId);
        } catch (error) {
          // The room began to ask for a proof after it was read.
          if (!error.is?.("proof-of-work-required")) throw error;
          answer = await joinWithProof();
        }
      }
      if (stopped) return;
      if (answer.guest_token) {
        // A visitor without a session became a new guest: keep it as this browser's session, as Continue as guest
        // does. The page renders again for it and reads the place it joined.
        session.setGrant({ identity: await api.me(answer.guest_token), access_token: answer.guest_token });
        return;
      }
      place = answer;
      placeReadAt = Date.now();
      notePlace();
    } catch (error) {
      if (stopped) return;
      queueMessage.replaceChildren(h("p", { class: "notice bad" }, error.message));
    } finally {
      queueCheck.hidden = true;
    }
    joining = false;
    if (stopped) return;
    showQueue();
  }

  /** Reads a challenge, solves it and joins with the proof; a challenge refused (run out meanwhile) is replaced once. */
  async function joinWithProof() {
    for (let attempt = 1; ; attempt += 1) {
      const challenge = await api.queueChallenge(eventId);
      // The room stopped asking for one meanwhile.
      if (!challenge) return api.joinQueue(eventId);
      const nonce = await solveProof(challenge);
      try {
        return await api.joinQueue(eventId, { challenge: challenge.challenge, nonce });
      } catch (error) {
        if (attempt >= 2 || !error.is?.("proof-of-work-required")) throw error;
      }
    }
  }

  /** Solves a challenge in a Web Worker, showing "Checking your browser…" and how far it got. */
  async function solveProof(challenge) {
    queueCheck.hidden = false;
    queueCheckText.textContent = "Checking your browser…";
    queueCheckProgress.value = 0;
    proofTask = solveChallenge(challenge.challenge, challenge.difficulty, (share) => {
      queueCheckProgress.value = share;
      queueCheckText.textContent = `Checking your browser… ${Math.floor(share * 100)}%`;
    });
    try {
      const nonce = await proofTask.promise;
      queueCheckText.textContent = "Checked. Joining the queue…";
      return nonce;
    } finally {
      proofTask = null;
    }
  }

  /** A hold was refused for its pass: the event turned to a waiting room meanwhile, or the pass ran out. */
  function refusedForPass() {
    const text = queued ? "Your time to hold seats has run out, or your pass is not valid here." : "This event now sells through a waiting room: join the queue to buy.";
    queueMessage.replaceChildren(h("p", { class: "notice bad" }, text));
    if (queued) readPlace(true);
    else startQueue();
  }

  /** A hold was refused because the visitor already paid with this pass: the place now says `done`. */
  function passUsed(error) {
    queueMessage.replaceChildren(h("p", { class: "notice warn" }, error.message));
    readPlace(true);
  }

  const stops = [
    () => {
      stopped = true;
      clearInterval(queueClock);
      proofTask?.cancel();
      stopQueueTopic?.();
    },
    feed.stop.bind(feed),
    customer ? live.subscribe({ customer }) : () => {},
    live.on("wallet", (change) => {
      if (change.customer !== customer || !wallet) return;
      wallet = { ...wallet, balance_minor: change.balance_minor };
      refreshSelection();
    }),
    live.on("booking", (change) => {
      if (booking && change.booking_id === booking.id) showStatus({ id: change.booking_id, status: change.status });
      // A booking of this event paid (here or elsewhere) ends the visitor's pass: the place says `done`.
      if (queued && change.event_id === eventId && change.status === "confirmed" && place?.state === "admitted") readPlace(true);
    }),
    // After a reconnect the push of a change made meanwhile may be lost: read the booking once again.
    live.on("subscribed", (message) => {
      if (message.customer === customer && booking) api.booking(booking.id).then(showStatus).catch(() => {});
      onQueueSubscribed(message);
    }),
    live.on("queue", onQueueFrame),
    // Without the socket the last frame says nothing any more: the figures fall back on the place, read every 10 s.
    live.on("connection", ({ state }) => {
      if (state === "live" || !queued) return;
      frame = null;
      if (!stopped) showQueue();
    }),
  ];
  return () => {
    clearInterval(timer);
    clearTimeout(unblockTimer);
    for (const stop of stops) stop();
  };
}
