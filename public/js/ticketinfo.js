// How tickets and their places read: shared by My bookings, the ticket page and the scanner.

/** { section, row, number } → "Stalls row C seat 12". */
export function seatLabel(seat) {
  if (!seat) return "";
  return [seat.section, seat.row != null ? `row ${seat.row}` : "", seat.number != null ? `seat ${seat.number}` : ""].filter(Boolean).join(" ");
}

/** A ticket's place: its seat, or its pool's name ("Standing"). Accepts a seat or pool given as an object or an id. */
export function placeLabel({ seat, pool } = {}) {
  if (seat && typeof seat === "object") return seatLabel(seat);
  if (pool && typeof pool === "object") return pool.name || `Pool ${pool.id}`;
  if (seat != null) return `Seat #${seat}`;
  if (pool != null) return `Pool #${pool}`;
  return "";
}

/** A booking's tickets in words: each seat's label, then each GA line as "2 × Standing". */
export function bookingLines(booking) {
  const seats = booking.seats?.length
    ? booking.seats.map(seatLabel)
    : booking.seat_ids.map((id) => `Seat #${id}`);
  const ga = (booking.ga || []).map((line) => `${line.quantity} × ${line.name || `standing (pool ${line.pool_id})`}`);
  return [...seats, ...ga];
}
