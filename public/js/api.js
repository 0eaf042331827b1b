// The booking API over fetch: JSON in and out, problem+json turned into ApiError.

/** A refused request: the HTTP status and the server's sentence. */
export class ApiError extends Error {
  constructor(status, detail, type) {
    super(detail);
    this.status = status;
    this.type = type || "";
  }
}

/** Sends a request and returns the parsed JSON body (null for an empty one). */
export async function api(path, { method = "GET", body, token, cache } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, cache, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "The server cannot be reached. Check your connection and try again.");
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ApiError(response.status, data?.detail || `${response.status} ${response.statusText}`, data?.type);
  }
  return data;
}

export const events = () => api("/api/events");
export const event = (id) => api(`/api/events/${id}`);
/** The whole seat map; the browser revalidates it with its ETag, so an unchanged map costs a 304. */
export const seatMap = (id) => api(`/api/events/${id}/seats`, { cache: "no-cache" });
export const createEvent = (body, token) => api("/api/events", { method: "POST", body, token });

export const hold = (body) => api("/api/bookings", { method: "POST", body });
export const booking = (id) => api(`/api/bookings/${id}`);
export const bookingsOf = (customer) => api(`/api/bookings?user_identifier=${encodeURIComponent(customer)}`);
export const release = (id) => api(`/api/bookings/${id}/release`, { method: "POST" });
export const pay = (id) => api(`/api/bookings/${id}/pay`, { method: "POST" });

export const walletOf = async (customer) => {
  try {
    return await api(`/api/accounts?user_identifier=${encodeURIComponent(customer)}`);
  } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
};
export const createWallet = (customer, currency) => api("/api/accounts", { method: "POST", body: { user_identifier: customer, currency } });
export const deposit = (account, amountMinor) => api(`/api/accounts/${account}/deposits`, { method: "POST", body: { amount_minor: amountMinor } });
export const ledger = (account) => api(`/api/accounts/${account}/ledger`);
