// The door scanner (#/scan/{event}), for the event's door staff and its organizer: reads tickets' QR codes with the
// camera (the browser's BarcodeDetector where it has one, else our own decoder, qrdecode.js) or from a typed or pasted
// code, checks each in (POST /api/events/{id}/checkins) and shows the answer big and in colour.
//
// Offline, it decides itself from what GET …/checkins/offline gave it at start (the event's public key, the revoked
// bookings, the reissued tickets and those already checked in, kept in localStorage): it verifies the secret's Ed25519
// signature with WebCrypto, queues each ticket it admits and uploads the queue when the network is back, each with the
// nonce of its scan. An upload the server answers "already checked in" for a ticket admitted here offline is a
// conflict (another gate admitted it first: first scan wins), listed on the page.

import * as api from "../api.js";
import { dateTime, h } from "../format.js";
import { decodeQR } from "../qrdecode.js";
import { SeatModel } from "../seatmodel.js";
import * as session from "../session.js";
import { placeLabel } from "../ticketinfo.js";
import { parseSecret, verifySecret } from "../ticketsecret.js";

/** How long the same code is not read again after its answer. */
const PAUSE_MS = 3000;
/** How long a check-in may take before the scanner decides offline. */
const REQUEST_TIMEOUT_MS = 5000;
const RETRY_MS = 5000;
const SNAPSHOT_MS = 60000;

const WORDS = { admitted: "ADMITTED", already_checked_in: "ALREADY CHECKED IN", revoked: "REVOKED", invalid: "INVALID", error: "NOT CHECKED" };

/** A JSON value in localStorage (null when missing or unreadable); storing it may fail when storage is full. */
function stored(key, fallback = null) {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? "null");
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "");

export async function renderScanner(root, { params: [eventParam] }) {
  const eventId = Number(eventParam);
  const key = (name) => `boxoffice.scanner.${eventId}.${name}`;
  let stopped = false;
  const timers = [];

  // MARK: The page

  const title = h("span", { "data-testid": "scanner-event" }, `Event ${eventId}`);
  const when = h("p", { class: "muted" });
  const notice = h("div", { "aria-live": "polite", "data-testid": "scanner-notice" });
  const gate = h("input", { id: "gate-input", "data-testid": "gate-input", maxlength: "60", placeholder: "e.g. North door", autocomplete: "off",
    value: localStorage.getItem("boxoffice.scanner.gate") || "",
    oninput: () => localStorage.setItem("boxoffice.scanner.gate", gate.value.trim()) });
  const network = h("span", { class: "network", "data-testid": "scanner-network" });
  const snapshotLine = h("span", { class: "muted", "data-testid": "offline-list" }, "Offline list: not loaded");
  const queueLength = h("strong", { "data-testid": "queue-length" }, "0");
  const admittedCount = h("strong", { "data-testid": "count-admitted" }, "0");
  const refusedCount = h("strong", { "data-testid": "count-refused" }, "0");
  const video = h("video", { class: "scanner-video", muted: true, playsinline: true, autoplay: true, hidden: true, "data-testid": "scanner-video" });
  video.muted = true;
  const cameraStatus = h("p", { class: "muted", "data-testid": "camera-status" }, "Starting the camera…");
  const decoderName = h("span", { "data-testid": "decoder" }, "–");
  const cameraButton = h("button", { type: "button", class: "secondary", "data-testid": "camera-toggle", onclick: () => (stream ? stopCamera() : startCamera()) },
    "Stop camera");
  const manual = h("input", { id: "manual-code", "data-testid": "manual-code", autocomplete: "off", spellcheck: "false", placeholder: "Ticket code",
    "aria-label": "Ticket code" });
  const manualForm = h("form", { class: "row", onsubmit: (event) => {
    event.preventDefault();
    const code = manual.value.trim();
    manual.value = "";
    if (code) handleCode(code, "manual");
  } }, manual, h("button", { type: "submit", "data-testid": "manual-submit" }, "Check in"));
  const result = h("section", { class: "scan-result", "data-testid": "scan-result", "data-result": "none", "aria-live": "assertive" },
    h("div", { class: "word" }, "READY"), h("div", { class: "detail" }, "Hold a ticket's code up to the camera."));
  const history = h("ol", { class: "scan-history", "data-testid": "scan-history" });
  const conflictList = h("ul", { class: "conflicts", "data-testid": "conflicts" });
  const conflictBox = h("div", { class: "card conflicts-card", hidden: true },
    h("h2", {}, "Conflicts"),
    h("p", { class: "muted" }, "Tickets this scanner admitted offline that another gate had already admitted: the first scan wins."),
    conflictList);

  root.append(
    h("h1", {}, "Scanner: ", title), when, notice,
    h("div", { class: "scanner-layout" },
      h("div", {},
        result,
        h("div", { class: "card scanner-camera" }, video, cameraStatus, h("div", { class: "row" }, cameraButton, h("span", { class: "muted" }, "Reader: ", decoderName))),
        h("div", { class: "card" }, h("label", { for: "manual-code" }, "No camera? Type or paste the ticket's code"), manualForm)),
      h("div", {},
        h("div", { class: "card" },
          h("label", { for: "gate-input" }, "Gate"), gate,
          h("div", { class: "stats scanner-stats" },
            h("div", {}, h("div", { class: "muted" }, "Admitted"), admittedCount),
            h("div", {}, h("div", { class: "muted" }, "Refused"), refusedCount),
            h("div", {}, h("div", { class: "muted" }, "To upload"), queueLength)),
          h("p", {}, network, " ", snapshotLine)),
        conflictBox,
        h("h2", {}, "Last scans"), history)));

  // MARK: Who scans

  // Door staff scan with their own session (whose access token api.js refreshes); an organizer with the organizer token,
  // tried when there is no session or the session is refused.
  let useOrganizer = !session.accessToken() && Boolean(session.organizerToken());
  const signedIn = () => Boolean(session.accessToken() || session.organizerToken());
  async function authorized(call) {
    try {
      return await call(useOrganizer ? session.organizerToken() : undefined);
    } catch (error) {
      if ((error.status === 401 || error.status === 403) && !useOrganizer && session.organizerToken()) {
        useOrganizer = true;
        return call(session.organizerToken());
      }
      throw error;
    }
  }
  /** Whether a failed request means the server could not be reached (so the scanner decides offline). */
  const unreachable = (error) => error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504;
  if (!signedIn()) {
    notice.replaceChildren(h("p", { class: "notice warn" }, "Sign in (top right) with the account the organizer added as door staff for this event."));
  }

  // MARK: What it knows offline

  /** The offline list, its lists always there. */
  const complete = (list) => (list ? { ...list, revoked_bookings: list.revoked_bookings || [], reissued: list.reissued || [], checked_in: list.checked_in || [] } : null);
  let snapshot = complete(stored(key("offline")));
  let model = null;
  let event = stored(key("event"));
  /** Tickets checked in as far as this scanner knows: { ticket id: { at, gate } } (the offline list's and its own). */
  const seen = stored(key("seen"), {});
  const counts = (() => { try { return JSON.parse(sessionStorage.getItem(key("counts")) || "null") || { admitted: 0, refused: 0 }; } catch { return { admitted: 0, refused: 0 }; } })();

  function showEvent() {
    if (!event) return;
    title.textContent = event.title;
    when.textContent = `${dateTime(event.starts_at)} · ${event.venue}`;
  }
  showEvent();
  const seats = stored(key("seats"));
  if (seats) { try { model = new SeatModel(seats); } catch { model = null; } }

  function showSnapshot() {
    if (!snapshot) {
      snapshotLine.textContent = "Offline list: not loaded (offline, nothing can be checked).";
      return;
    }
    snapshotLine.textContent = `Offline list from ${time(snapshot.at)}: ${snapshot.checked_in.length} checked in, ${snapshot.revoked_bookings.length} revoked bookings.`;
  }

  function showCounts() {
    admittedCount.textContent = String(counts.admitted);
    refusedCount.textContent = String(counts.refused);
    queueLength.textContent = String(readQueue().length);
    try { sessionStorage.setItem(key("counts"), JSON.stringify(counts)); } catch { /* full */ }
  }

  let online = navigator.onLine !== false;
  function setOnline(value) {
    online = value;
    network.dataset.state = online ? "online" : "offline";
    network.textContent = online ? "Online" : "Offline";
  }
  setOnline(online);

  async function loadEvent() {
    try {
      event = await api.event(eventId);
      store(key("event"), event);
      showEvent();
    } catch (error) {
      if (error.status === 404) notice.replaceChildren(h("p", { class: "notice bad" }, `There is no event ${eventId}.`));
    }
    try {
      const map = await api.seatMap(eventId);
      model = new SeatModel(map);
      store(key("seats"), map);
    } catch { /* labels fall back to ids */ }
  }

  async function loadSnapshot() {
    if (!signedIn()) return;
    try {
      const fresh = await authorized((bearer) => api.offlineCheckins(eventId, bearer));
      snapshot = complete(fresh);
      store(key("offline"), snapshot);
      setOnline(true);
    } catch (error) {
      if (unreachable(error)) setOnline(false);
      else if (error.status === 401 || error.status === 403) {
        notice.replaceChildren(h("p", { class: "notice bad", "data-testid": "not-staff" },
          `${session.displayName() || "This session"} is not door staff for this event: ask the organizer to add ${session.current()?.email || "your account"}.`));
      }
    }
    showSnapshot();
  }

  // MARK: Results

  function ticketText(ticket) {
    if (!ticket) return "";
    return [placeLabel(ticket), ticket.category, ticket.holder].filter(Boolean).join(" · ");
  }

  /** Shows an answer big, counts it and adds it to the list of last scans. */
  function show(answer, { offline = false, source = "camera" } = {}) {
    const kind = WORDS[answer.result] ? answer.result : "error";
    if (kind === "admitted") counts.admitted += 1;
    else if (kind !== "error") counts.refused += 1;
    const extra = kind === "already_checked_in" && answer.checked_in_at
      ? `Checked in at ${time(answer.checked_in_at)}${answer.gate ? ` at ${answer.gate}` : ""}` : "";
    result.dataset.result = kind;
    result.dataset.offline = String(offline);
    result.dataset.ticketId = answer.ticket?.id || "";
    result.dataset.at = String(Date.now());
    result.replaceChildren(
      h("div", { class: "word", "data-testid": "result-word" }, WORDS[kind], offline ? h("span", { class: "offline-badge", "data-testid": "offline-badge" }, "offline") : null),
      h("div", { class: "detail", "data-testid": "result-detail" }, answer.reason || ""),
      ...(extra ? [h("div", { class: "detail", "data-testid": "result-first" }, extra)] : []),
      ...(answer.ticket ? [h("div", { class: "ticket-line", "data-testid": "result-ticket" }, ticketText(answer.ticket))] : []));
    history.prepend(h("li", { "data-testid": "scan", "data-result": kind, "data-offline": String(offline), "data-ticket-id": answer.ticket?.id || "", "data-source": source, "data-at": String(Date.now()) },
      h("span", { class: "when" }, time(new Date().toISOString())), " ",
      h("strong", {}, WORDS[kind]), offline ? " (offline)" : "", answer.ticket ? ` — ${ticketText(answer.ticket)}` : "", extra ? ` — ${extra}` : ""));
    while (history.children.length > 30) history.lastChild.remove();
    showCounts();
  }

  // MARK: Offline decisions and the queue

  function readQueue() {
    return stored(key("queue"), []);
  }

  function enqueue(entry) {
    const queue = readQueue();
    queue.push(entry);
    store(key("queue"), queue);
  }

  function dequeue(nonce) {
    store(key("queue"), readQueue().filter((entry) => entry.nonce !== nonce));
  }

  function remember(ticketId, at, gateName) {
    if (!ticketId || seen[ticketId]) return;
    seen[ticketId] = { at, gate: gateName || null };
    store(key("seen"), seen);
  }

  /** What the offline list says of a ticket the server cannot be asked about: the contract's decision. */
  async function decideOffline(secret, nonce, scannedAt, gateName) {
    if (!snapshot) {
      return { result: "error", reason: "Offline, and this scanner has no offline list yet: connect once to download it." };
    }
    const parsed = parseSecret(secret);
    const verified = parsed && parsed.eventId === eventId ? await verifySecret(parsed, snapshot.public_key) : false;
    if (verified === null) {
      return { result: "error", reason: "Offline, and this browser cannot check Ed25519 signatures: use another device or wait for the network." };
    }
    if (!verified) {
      return { result: "invalid", reason: parsed && parsed.eventId !== eventId ? "This ticket is for another event." : "This is not a valid ticket.", ticket: null };
    }
    const ticket = { id: parsed.ticketId, seat: parsed.seat, pool: parsed.pool, category: null };
    if (model && parsed.seat != null) {
      const index = model.indexOf(parsed.seat);
      if (index >= 0) {
        const row = model.rows[model.rowOf[index]];
        ticket.seat = { id: parsed.seat, section: row.section, row: row.label, number: model.number[index] };
        ticket.category = model.categories[model.category[index]]?.name || null;
      }
    } else if (model && parsed.pool != null && model.pools.has(parsed.pool)) {
      ticket.pool = { id: parsed.pool, name: model.pools.get(parsed.pool).name };
      ticket.category = ticket.pool.name;
    }
    const reissued = snapshot.reissued.find((entry) => entry.ticket === parsed.ticketId);
    if (snapshot.revoked_bookings.includes(parsed.bookingId) || (reissued && parsed.version < reissued.version)) {
      return { result: "revoked", reason: reissued && parsed.version < reissued.version ? "This code was replaced by a reissued ticket." : "This ticket was revoked.", ticket };
    }
    const first = seen[parsed.ticketId];
    if (first || snapshot.checked_in.includes(parsed.ticketId)) {
      return { result: "already_checked_in", reason: "This ticket was already checked in.", ticket, checked_in_at: first?.at || null, gate: first?.gate || null };
    }
    remember(parsed.ticketId, scannedAt, gateName);
    enqueue({ secret, nonce, gate: gateName, scanned_at: scannedAt, ticket_id: parsed.ticketId, place: placeLabel(ticket) });
    return { result: "admitted", reason: "Valid ticket: let them in. (Decided offline; uploaded when the network is back.)", ticket };
  }

  function body(secret, nonce, gateName, scannedAt) {
    return { secret, nonce, ...(gateName ? { gate: gateName } : {}), scanned_at: scannedAt };
  }

  async function post(entry) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await authorized((bearer) => api.checkIn(eventId, body(entry.secret, entry.nonce, entry.gate, entry.scanned_at), bearer, controller.signal));
    } finally {
      clearTimeout(timer);
    }
  }

  const conflicts = stored(key("conflicts"), []);
  function showConflicts() {
    conflictBox.hidden = conflicts.length === 0;
    conflictList.replaceChildren(...conflicts.map((conflict) => h("li", { "data-testid": "conflict", "data-ticket-id": conflict.ticket_id, "data-result": conflict.result },
      h("strong", {}, "CONFLICT "), `${conflict.place || conflict.ticket_id}: admitted here offline at ${time(conflict.ours_at)}`,
      conflict.ours_gate ? ` (${conflict.ours_gate})` : "", ", but ",
      conflict.result === "already_checked_in"
        ? `${conflict.theirs_gate ? `gate ${conflict.theirs_gate}` : "another gate"}'s check-in reached the server first (recorded ${time(conflict.theirs_at)}).`
        : `the server says ${WORDS[conflict.result] || conflict.result}: ${conflict.reason}`)));
  }
  showConflicts();

  let uploading = false;
  /** Sends the queued offline admissions, oldest first, until the queue is empty or the network fails again. */
  async function upload() {
    if (uploading || stopped || !signedIn()) return;
    uploading = true;
    try {
      for (;;) {
        const [entry] = readQueue();
        if (!entry) break;
        let answer;
        try {
          answer = await post(entry);
        } catch (error) {
          // Unreachable, busy or not allowed (a session to sign in again): the admission stays queued, tried again later.
          if (unreachable(error) || error.status === 429 || error.status >= 500 || error.status === 401 || error.status === 403) {
            if (unreachable(error)) setOnline(false);
            else if (error.status === 401 || error.status === 403) {
              notice.replaceChildren(h("p", { class: "notice bad" }, `The queued check-ins cannot be uploaded: ${error.message} Sign in again as door staff.`));
            }
            break;
          }
          // The server refuses this one for good (a malformed request): listed, not retried.
          answer = { result: "error", reason: error.message };
        }
        setOnline(true);
        dequeue(entry.nonce);
        if (answer.ticket?.id) remember(answer.ticket.id, answer.checked_in_at || entry.scanned_at, answer.gate);
        if (answer.result !== "admitted") {
          conflicts.unshift({ ticket_id: entry.ticket_id, place: entry.place, ours_at: entry.scanned_at, ours_gate: entry.gate,
            result: answer.result, reason: answer.reason, theirs_at: answer.checked_in_at, theirs_gate: answer.gate });
          store(key("conflicts"), conflicts.slice(0, 200));
          showConflicts();
        }
        showCounts();
      }
    } finally {
      uploading = false;
      showCounts();
    }
  }

  // MARK: Scanning

  let busy = false;
  const recent = new Map();
  /** Checks a code in: online through the server, else offline from the list; then shows the answer. */
  async function handleCode(code, source) {
    const secret = code.trim();
    // A typed code waits for the check in flight; a camera frame is just dropped (the next one has the same code).
    while (source === "manual" && busy && !stopped) await new Promise((resolve) => { setTimeout(resolve, 50); });
    if (!secret || busy || stopped) return;
    if (source === "camera" && Date.now() - (recent.get(secret) ?? 0) < PAUSE_MS) return;
    busy = true;
    recent.set(secret, Date.now());
    const nonce = crypto.randomUUID();
    const scannedAt = new Date().toISOString();
    const gateName = gate.value.trim();
    let answer = null;
    let offline = false;
    try {
      if (navigator.onLine !== false && signedIn()) {
        try {
          answer = await post({ secret, nonce, gate: gateName, scanned_at: scannedAt });
          setOnline(true);
        } catch (error) {
          if (!unreachable(error)) answer = { result: "error", reason: error.status === 403 ? "You are not door staff for this event." : error.message };
          else setOnline(false);
        }
      } else if (!signedIn()) {
        answer = { result: "error", reason: "Sign in as door staff first." };
      } else {
        setOnline(false);
      }
      if (!answer) {
        offline = true;
        answer = await decideOffline(secret, nonce, scannedAt, gateName);
      } else if (answer.ticket?.id && (answer.result === "admitted" || answer.result === "already_checked_in")) {
        remember(answer.ticket.id, answer.checked_in_at || scannedAt, answer.gate || gateName);
      }
      if (!stopped) show(answer, { offline, source });
      if (!offline && readQueue().length) upload();
    } finally {
      recent.set(secret, Date.now());
      busy = false;
    }
  }

  // MARK: The camera

  let stream = null;
  let detector = null;
  let frameTimer = 0;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  async function frame() {
    if (stopped || !stream) return;
    try {
      if (video.readyState >= 2 && video.videoWidth && !busy) {
        let text = null;
        if (detector) {
          const codes = await detector.detect(video);
          text = codes.find((code) => code.format === "qr_code")?.rawValue ?? null;
        } else {
          // Large frames are scaled down: a code filling a good part of the frame keeps enough pixels per module.
          const scale = Math.min(1, 960 / video.videoWidth);
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          text = decodeQR(context.getImageData(0, 0, canvas.width, canvas.height))?.text ?? null;
        }
        if (text) await handleCode(text, "camera");
      }
    } catch { /* the next frame tries again */ }
    if (!stopped && stream) frameTimer = setTimeout(frame, 120);
  }

  async function startCamera() {
    if (!navigator.mediaDevices?.getUserMedia) {
      cameraStatus.textContent = "This browser gives no camera here: type or paste the codes below.";
      cameraButton.hidden = true;
      return;
    }
    cameraStatus.textContent = "Starting the camera…";
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    } catch (error) {
      stream = null;
      cameraStatus.textContent = `No camera (${error.name === "NotAllowedError" ? "not allowed" : error.name === "NotFoundError" ? "none found" : error.message}): type or paste the codes below.`;
      cameraButton.textContent = "Start camera";
      cameraStatus.dataset.state = "off";
      return;
    }
    if (stopped) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    if (!detector && "BarcodeDetector" in window) {
      try {
        if ((await window.BarcodeDetector.getSupportedFormats()).includes("qr_code")) detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch { detector = null; }
    }
    decoderName.textContent = detector ? "the browser's BarcodeDetector" : "own decoder (qrdecode.js)";
    decoderName.dataset.decoder = detector ? "barcode-detector" : "qrdecode";
    video.srcObject = stream;
    video.hidden = false;
    try { await video.play(); } catch { /* autoplay starts it */ }
    cameraStatus.textContent = "Camera on: hold a ticket's code up to it.";
    cameraStatus.dataset.state = "on";
    cameraButton.textContent = "Stop camera";
    frame();
  }

  function stopCamera() {
    for (const track of stream?.getTracks() || []) track.stop();
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    cameraStatus.textContent = "Camera off.";
    cameraStatus.dataset.state = "off";
    cameraButton.textContent = "Start camera";
  }

  // MARK: Start

  const onOnline = () => {
    setOnline(true);
    upload().then(() => loadSnapshot());
  };
  const onOffline = () => setOnline(false);
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", onOffline);
  timers.push(setInterval(() => {
    if (readQueue().length && navigator.onLine !== false) upload();
  }, RETRY_MS));
  timers.push(setInterval(() => { if (navigator.onLine !== false && !readQueue().length) loadSnapshot(); }, SNAPSHOT_MS));

  showSnapshot();
  showCounts();
  await Promise.all([loadEvent(), loadSnapshot()]);
  if (readQueue().length) upload();
  startCamera();

  return () => {
    stopped = true;
    window.removeEventListener("online", onOnline);
    window.removeEventListener("offline", onOffline);
    for (const timer of timers) clearInterval(timer);
    clearTimeout(frameTimer);
    stopCamera();
  };
}
