// Formatting shared by the views.

/** 12345, "EUR" → "€123.45". */
export function money(minor, currency = "EUR") {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

// A price as typed: at most 13 digits before the point (so the amount in minor units stays an exact integer) and two after.
const PRICE = /^\s*(\d{1,13})(?:[.,](\d{0,2}))?\s*$/;
/** The same rule as an input's pattern attribute. */
export const pricePattern = "\\s*\\d{1,13}([.,]\\d{0,2})?\\s*";

/** A price typed in major units ("65", "65.5", "65.50", "65,50") as exact minor units (6550), or null when it is not one
 * (a sign, a thousands separator, a third decimal). Read from its digits, not through floating point, so "0.29" is 29. */
export function minorOf(text) {
  const match = PRICE.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** Minor units as the amount typed for them, without a currency: 6550 → "65.50". */
export function majorText(minor) {
  const units = Math.abs(minor);
  return `${minor < 0 ? "-" : ""}${Math.floor(units / 100)}.${String(units % 100).padStart(2, "0")}`;
}

export function dateTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A moment to the second, for what happens seconds apart (a webhook's attempts). */
export function dateTimeSeconds(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** Seconds left → "4:05"; from an hour "1:04:05", from a day "2 d 1:04:05". */
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const pad = (n) => String(n).padStart(2, "0");
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (s < 3600) return `${minutes}:${pad(s % 60)}`;
  return `${days ? `${days} d ` : ""}${hours}:${pad(minutes)}:${pad(s % 60)}`;
}

/** About how long a wait of `seconds` is: "a few seconds", "40 s", "about 3 min", "about 1 h 20 min". */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s <= 5) return "a few seconds";
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

export function statusLabel(status) {
  return { held: "held", payment_pending: "payment pending", confirmed: "confirmed", cancelled: "cancelled",
    released: "released", expired: "expired", refunded: "refunded" }[status] || status;
}

/** Builds an element: h("p", { class: "x" }, "text", child). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    // Through the CSS object model: the content security policy refuses style attributes.
    else if (name === "style") element.style.cssText = value;
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let toastTimer;
/** Shows a short message at the bottom of the screen. */
export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 5000);
}
