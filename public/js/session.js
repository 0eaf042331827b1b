// Who is using the app: the signed-in identity and its tokens, kept in this browser, and a bootstrap organizer token
// pasted in this tab. A guest has an access token only; a customer also has a refresh token.

const sessionKey = "boxoffice.session";
const tokenKey = "boxoffice.organizerToken";

/** The session: { id, email, role, accessToken, refreshToken }, or null. */
export function current() {
  try {
    return JSON.parse(localStorage.getItem(sessionKey) || "null");
  } catch {
    return null;
  }
}

/** The signed-in identity's id (the owner of its bookings and wallet), or "". */
export function customer() {
  return current()?.id || "";
}

/** What the header shows: the email, or "Guest". */
export function displayName() {
  const session = current();
  return session ? session.email || "Guest" : "";
}

/** Whether the signed-in identity is an organizer (an account made with `boxoffice organizer add`). */
export function isOrganizer() {
  return current()?.role === "organizer";
}

export function accessToken() {
  return current()?.accessToken || "";
}

/** Keeps what signing in, up, as a guest or refreshing answered. */
export function setGrant(grant, { quiet = false } = {}) {
  const previous = current();
  localStorage.setItem(sessionKey, JSON.stringify({
    id: grant.identity.id,
    email: grant.identity.email || null,
    role: grant.identity.role,
    accessToken: grant.access_token,
    refreshToken: grant.refresh_token || previous?.refreshToken || null,
  }));
  if (!quiet) window.dispatchEvent(new CustomEvent("customerchange"));
}

export function clear() {
  localStorage.removeItem(sessionKey);
  window.dispatchEvent(new CustomEvent("customerchange"));
}

export function organizerToken() {
  return sessionStorage.getItem(tokenKey) || "";
}

export function setOrganizerToken(token) {
  sessionStorage.setItem(tokenKey, token.trim());
}
