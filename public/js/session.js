// Who is using the app: a customer name kept in this browser, and the organizer's token for this tab.

const customerKey = "boxoffice.customer";
const tokenKey = "boxoffice.organizerToken";

export function customer() {
  return localStorage.getItem(customerKey) || "";
}

export function setCustomer(name) {
  localStorage.setItem(customerKey, name.trim());
  window.dispatchEvent(new CustomEvent("customerchange"));
}

export function signOut() {
  localStorage.removeItem(customerKey);
  window.dispatchEvent(new CustomEvent("customerchange"));
}

export function guestName() {
  return `guest-${Math.random().toString(36).slice(2, 8)}`;
}

export function organizerToken() {
  return sessionStorage.getItem(tokenKey) || "";
}

export function setOrganizerToken(token) {
  sessionStorage.setItem(tokenKey, token.trim());
}
