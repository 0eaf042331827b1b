// The booking API over fetch: JSON in and out, problem+json turned into ApiError. Every request carries the
// session's access token; one that expired is refreshed once (customers) and the request sent again.

import * as session from "./session.js";

/** A refused request: the HTTP status, the server's sentence, its problem type and, for a 429 or 503, the seconds
 * its Retry-After asks to wait (null without one). */
export class ApiError extends Error {
  constructor(status, detail, type, retryAfter = null) {
    super(detail);
    this.status = status;
    this.type = type || "";
    this.retryAfter = retryAfter;
  }

  /** Whether the problem type is `name` (types are URIs such as https://boxoffice.dev/problems/seat-taken). */
  is(name) {
    return this.type === name || this.type.endsWith(`/${name}`);
  }

  /** Whether the request may have been lost on the way (no answer, a 5xx) or is still running: the same request sent
   * again with its Idempotency-Key then happens at most once. */
  get retryable() {
    return this.status === 0 || this.status >= 500 || this.is("idempotency-key-in-use");
  }
}

/** Sends a request and returns the parsed JSON body (null for an empty one). `headers` adds request headers; `signal`
 * (an AbortSignal) gives up on it, which throws like an unreachable server (status 0). */
export async function api(path, { method = "GET", body, token, cache, headers: extra, signal, retried = false } = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const bearer = token || session.accessToken();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(path, { method, headers, cache, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "The server cannot be reached. Check your connection and try again.");
  }
  let text;
  try {
    text = await response.text();
  } catch {
    throw new ApiError(0, "The server's answer was cut off. Check your connection and try again.");
  }
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401 && data?.type?.endsWith("token-expired") && !token && !retried && session.current()?.refreshToken) {
    if (await refresh()) return api(path, { method, body, cache, headers: extra, signal, retried: true });
  }
  if (!response.ok) {
    const wait = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    throw new ApiError(response.status, data?.detail || `${response.status} ${response.statusText}`, data?.type, Number.isNaN(wait) ? null : wait);
  }
  return data;
}

/** The events on show; with an organizer's authority (the session's, or `token`) drafts and cancelled ones too. */
export const events = (token) => api("/api/events", { token });
/** One event; a draft is an organizer's to read (the session's, or `token`). */
export const event = (id, token) => api(`/api/events/${id}`, { token });
/** The whole seat map; the browser revalidates it with its ETag, so an unchanged map costs a 304. */
export const seatMap = (id, token) => api(`/api/events/${id}/seats`, { cache: "no-cache", token });
export const createEvent = (body, token) => api("/api/events", { method: "POST", body, token });

// An event's administration (organizer).

/** Changes an event: a field left out stays, null clears a nullable one; answers the event (422 or 409 refused). */
export const updateEvent = (id, body, token) => api(`/api/events/${id}`, { method: "PATCH", body, token });
/** Puts a draft on show; answers the event. */
export const publishEvent = (id, token) => api(`/api/events/${id}/publish`, { method: "POST", token });
/** Cancels an event: sales stop and every paid booking is refunded by a job, { status, refunded, remaining,
 * started_at, finished_at? }. */
export const cancelEvent = (id, token) => api(`/api/events/${id}/cancel`, { method: "POST", token });
/** The job cancelling an event, as above, or null when the event was not cancelled. */
export const cancellation = (id, token) => orNull(() => api(`/api/events/${id}/cancel`, { token, cache: "no-store" }));
/** The event's sales over time: `query` has from, to (ISO date-times) and step (seconds), each optional; answers
 * { event_id, currency, from, to, step_seconds, buckets: [...], totals, by_category: [...] }. */
export const salesStats = (id, query, token) => {
  const search = Object.entries(query).filter(([, value]) => value !== "" && value != null)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&");
  return api(`/api/events/${id}/stats${search ? `?${search}` : ""}`, { token, cache: "no-store" });
};

/** The answer of a read, or null when the server answers 404 (nothing there, or not yet). */
async function orNull(read) {
  try {
    return await read();
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

/** An event's waiting room (settings, cursor and counts), or null when the event has none. */
export const queue = (id) => orNull(() => api(`/api/events/${id}/queue`, { cache: "no-store" }));
/** Sets up or changes an event's waiting room (organizer); what `body` leaves out stays. */
export const configureQueue = (id, body, token) => api(`/api/events/${id}/queue`, { method: "PUT", body, token });
/** Joins an event's waiting room, with `{ challenge, nonce }` when it asks for a proof of work; without a session the
 * answer carries a new guest's `guest_token`. */
export const joinQueue = (id, proof) => api(`/api/events/${id}/queue`, { method: "POST", body: proof ? { proof } : undefined });
/** A proof-of-work challenge to join an event's waiting room with ({ challenge, difficulty, expires_at }), or null when
 * the room asks for none. */
export const queueChallenge = (id) => orNull(() => api(`/api/events/${id}/queue/challenge`, { cache: "no-store" }));
/** The signed-in identity's place in an event's waiting room (with its pass once admitted), or null before it joined. */
export const queuePlace = (id) => orNull(() => api(`/api/events/${id}/queue/me`, { cache: "no-store" }));

/** A new access token for the session; false (and signed out) when the session is over. */
async function refresh() {
  try {
    const grant = await api("/api/auth/refresh", { method: "POST", body: { refresh_token: session.current().refreshToken }, retried: true });
    session.setGrant(grant, { quiet: true });
    return true;
  } catch {
    session.clear();
    return false;
  }
}

export const guest = () => api("/api/auth/guest", { method: "POST", retried: true });
/** The identity a token belongs to ({ id, role, email? }). */
export const me = (token) => api("/api/auth/me", { token, retried: true });
export const signup = (email, password) => api("/api/auth/signup", { method: "POST", body: { email, password } });
export const login = (email, password) => api("/api/auth/login", { method: "POST", body: { email, password }, retried: true });
export const logout = (refreshToken) => api("/api/auth/logout", { method: "POST", body: { refresh_token: refreshToken }, retried: true });

/** Holds seats; `headers` go with the request, such as the `Queue-Pass` of an event sold behind a waiting room. */
export const hold = (body, headers) => api("/api/bookings", { method: "POST", body, headers });
export const booking = (id) => api(`/api/bookings/${id}`);
/** The signed-in identity's bookings, newest first. */
export const myBookings = () => api("/api/bookings");
export const release = (id) => api(`/api/bookings/${id}/release`, { method: "POST" });
export const pay = (id) => api(`/api/bookings/${id}/pay`, { method: "POST" });

/** The signed-in identity's wallet, or null before it opened one. */
export const myWallet = () => orNull(() => api("/api/accounts"));
export const createWallet = (currency) => api("/api/accounts", { method: "POST", body: { currency } });
export const deposit = (account, amountMinor) => api(`/api/accounts/${account}/deposits`, { method: "POST", body: { amount_minor: amountMinor } });
export const ledger = (account) => api(`/api/accounts/${account}/ledger`);

// Tickets and check-in (issue 24).

/** A GET answered with something other than JSON (a ticket's QR code), with the session's token (or `token`) and the
 * same one refresh as api(); returns the Response, throws ApiError for a refusal or an unreachable server. */
export async function raw(path, { token, retried = false } = {}) {
  const headers = {};
  const bearer = token || session.accessToken();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(path, { headers });
  } catch {
    throw new ApiError(0, "The server cannot be reached. Check your connection and try again.");
  }
  if (response.ok) return response;
  let data = null;
  try { data = await response.json(); } catch { /* not a problem body */ }
  if (response.status === 401 && data?.type?.endsWith("token-expired") && !token && !retried && session.current()?.refreshToken) {
    if (await refresh()) return raw(path, { retried: true });
  }
  throw new ApiError(response.status, data?.detail || `${response.status} ${response.statusText}`, data?.type);
}

/** An event's buyers, one line per ticket, as a CSV Blob (organizer). */
export const exportTickets = async (id, token) => (await raw(`/api/events/${id}/export.csv`, { token })).blob();

/** A confirmed booking's tickets; 409 tickets-not-issued before it is confirmed. */
export const bookingTickets = (id, token) => api(`/api/bookings/${id}/tickets`, { token, cache: "no-store" });
export const ticket = (id, token) => api(`/api/tickets/${encodeURIComponent(id)}`, { token, cache: "no-store" });
/** A ticket's QR code as SVG text. */
export const ticketSVG = async (id, token) => (await raw(`/api/tickets/${encodeURIComponent(id)}/qr.svg`, { token })).text();
/** A ticket's QR code as a PNG Blob. */
export const ticketPNG = async (id, token) => (await raw(`/api/tickets/${encodeURIComponent(id)}/qr.png`, { token })).blob();
/** A new secret for a ticket (its old one then checks in as revoked). */
export const reissueTicket = (id, token) => api(`/api/tickets/${encodeURIComponent(id)}/reissue`, { method: "POST", token });

/** The public key an event's tickets are signed with ({ event_id, algorithm, public_key, format }). */
export const ticketKey = (eventId) => api(`/api/events/${eventId}/tickets/key`);
/** Checks a ticket in at the door: { secret, nonce, gate?, scanned_at? } → { result, reason, ticket, checked_in_at, gate }. */
export const checkIn = (eventId, body, token, signal) => api(`/api/events/${eventId}/checkins`, { method: "POST", body, token, signal });
/** { event_id, expected, checked_in, gates: [{ gate, checked_in }] } */
export const checkins = (eventId, token) => api(`/api/events/${eventId}/checkins`, { token, cache: "no-store" });
/** What a scanner needs to decide offline: { event_id, public_key, format, revoked_bookings, reissued, checked_in, at }. */
export const offlineCheckins = (eventId, token) => api(`/api/events/${eventId}/checkins/offline`, { token, cache: "no-store" });

/** An event's door staff (organizer): [{ identity, email, added_at }]. */
export const staff = (eventId, token) => api(`/api/events/${eventId}/staff`, { token, cache: "no-store" });
export const addStaff = (eventId, email, token) => api(`/api/events/${eventId}/staff`, { method: "POST", body: { email }, token });
export const removeStaff = (eventId, identity, token) => api(`/api/events/${eventId}/staff/${encodeURIComponent(identity)}`, { method: "DELETE", token });

// The back office: orders, a booking's history and payment, refunds; and a customer's cancellation.

/** A page of an event's orders (organizer): `query` has q, status (comma-separated), from, to, category, limit, after;
 * answers { orders: [{ booking, customer_email }], next } (next absent on the last page). */
export const orders = (eventId, query, token) => {
  // Percent-encoded (a space as %20): the server reads a "+" as itself, not as a space.
  const search = Object.entries(query).filter(([, value]) => value !== "" && value != null)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&");
  return api(`/api/events/${eventId}/bookings?${search}`, { token, cache: "no-store" });
};
/** { booking, customer_email, history: [{ at, kind, detail }], refunds: [...] } */
export const bookingHistory = (id, token) => api(`/api/bookings/${id}/history`, { token, cache: "no-store" });
/** A booking's payment as the payment service keeps it: { status, amount_minor, refunded_minor, currency, ledger }, or
 * null when it was never paid. */
export const payment = (bookingId, token) => orNull(() => api(`/api/payments/${bookingId}`, { token, cache: "no-store" }));
/** Refunds tickets of a booking (organizer): { tickets?: [ordinals], seats: "release" | "block" }. `key` is the
 * Idempotency-Key, the same for every try of one request. */
export const refund = (id, body, key, token) => api(`/api/bookings/${id}/refund`, { method: "POST", body, token, headers: { "Idempotency-Key": key } });
/** The owner cancels a paid booking before its event's cutoff, for a refund of all of it. */
export const cancelBooking = (id, key) => api(`/api/bookings/${id}/cancel`, { method: "POST", headers: { "Idempotency-Key": key } });

// Webhooks (organizer): endpoints that get signed notices, and each endpoint's deliveries.

/** The topics an endpoint may ask for. */
export const webhookTopics = ["booking.confirmed", "booking.refunded", "checkin.admitted", "event.sold_out", "event.cancelled"];
/** Registers an endpoint: { url, events: [topic] } → { id, url, events, secret, created_by, created_at } (422 refused,
 * its detail saying why: the URL, its address or the topics). */
export const addWebhook = (body, token) => api("/api/webhooks", { method: "POST", body, token });
/** The endpoints, without their secrets: { webhooks: [{ id, url, events, created_by, created_at }] }. */
export const webhooks = (token) => api("/api/webhooks", { token, cache: "no-store" });
/** One endpoint with its secret. */
export const webhook = (id, token) => api(`/api/webhooks/${encodeURIComponent(id)}`, { token, cache: "no-store" });
export const deleteWebhook = (id, token) => api(`/api/webhooks/${encodeURIComponent(id)}`, { method: "DELETE", token });
/** A page of an endpoint's deliveries, newest first: `query` has status (pending, delivered or parked), limit (1-100)
 * and before (the `next` of the page before); answers { deliveries: [{ id, notice_id, topic, status, attempts,
 * created_at, next_attempt_at?, retry_until, delivered_at?, body, attempt_log: [{ number, at, status_code?, detail,
 * milliseconds }] }], next } (next null on the last page). */
export const webhookDeliveries = (id, query, token) => {
  const search = Object.entries(query).filter(([, value]) => value !== "" && value != null)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&");
  return api(`/api/webhooks/${encodeURIComponent(id)}/deliveries${search ? `?${search}` : ""}`, { token, cache: "no-store" });
};
/** Sends a delivery again (202): it is pending once more, with a new retry window; answers the delivery. */
export const resendDelivery = (id, delivery, token) =>
  api(`/api/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery)}/resend`, { method: "POST", token });
