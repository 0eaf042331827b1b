// One event's seats in typed arrays (a 20,000-seat hall costs a few hundred KB), built from
// GET /api/events/{id}/seats and kept current by the deltas of /api/ws.

export const AVAILABLE = 0;
export const HELD = 1;
export const SOLD = 2;
const statusCodes = { a: AVAILABLE, h: HELD, s: SOLD };

/** "1-3,5" → [1, 2, 3, 5]. */
export function expandNumbers(text) {
  const numbers = [];
  for (const part of text.split(",")) {
    const [from, to] = part.split("-").map(Number);
    for (let n = from; n <= (to ?? from); n += 1) numbers.push(n);
  }
  return numbers;
}

/** The seats of an inventory message: base64 of one LEB128 varint per seat, ascending by id, each
 * `(id − previous id − 1) << 2 | status` (status 0 available, 1 held, 2 sold; the first seat's previous id is 0). */
export function decodeSeatChanges(text) {
  const bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  const seats = [];
  let previous = 0;
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte & 0x80) continue;
    previous += Math.floor(value / 4) + 1;
    seats.push({ id: previous, status: value % 4 });
    value = 0;
    scale = 1;
  }
  return seats;
}

export class SeatModel {
  constructor(map) {
    this.eventId = map.event_id;
    this.epoch = map.epoch;
    this.categories = map.categories;
    this.pools = new Map(map.ga_pools.map((pool) => [pool.id, { ...pool }]));
    this.version = map.version;
    this.seatsAvailable = map.seats_available;
    const rows = map.sections.flatMap((section, sectionIndex) => section.rows.map((row) => ({ ...row, section: section.name, sectionIndex })));
    this.firstId = rows.length ? Math.min(...rows.map((row) => row.first_seat_id)) : 0;
    const count = map.seats_total;
    this.status = new Uint8Array(count);
    this.category = new Uint8Array(count);
    this.number = new Int32Array(count);
    this.rowOf = new Int32Array(count);
    /** 1 for a seat its row lists as accessible (`"accessible": "1-2"`, seat numbers). */
    this.accessible = new Uint8Array(count);
    this.rows = [];
    const categoryIndex = new Map(this.categories.map((category, index) => [category.id, index]));
    rows.forEach((row, rowIndex) => {
      const numbers = expandNumbers(row.numbers);
      const start = row.first_seat_id - this.firstId;
      const accessible = new Set(row.accessible ? expandNumbers(row.accessible) : []);
      this.rows.push({ label: row.label, section: row.section, sectionIndex: row.sectionIndex, start, length: numbers.length });
      numbers.forEach((number, i) => {
        const index = start + i;
        this.number[index] = number;
        this.rowOf[index] = rowIndex;
        this.accessible[index] = accessible.has(number) ? 1 : 0;
        this.status[index] = statusCodes[row.status[i]];
        this.category[index] = row.category !== null && row.category !== undefined
          ? categoryIndex.get(row.category) ?? 0
          : parseInt(row.categories[i], 36);
      });
    });
    this.sections = map.sections.map((section) => section.name);
  }

  get count() { return this.status.length; }

  indexOf(seatId) { return seatId - this.firstId; }

  seatId(index) { return this.firstId + index; }

  /** "Stalls, row F, seat 12". */
  describe(index) {
    const row = this.rows[this.rowOf[index]];
    return `${row.section}, row ${row.label}, seat ${this.number[index]}`;
  }

  isAccessible(index) { return this.accessible[index] === 1; }

  /** The seats as a buyer reads them, row by row in seat order: "Stalls, row C, seats 24–26". */
  describeSeats(indexes) {
    const byRow = new Map();
    for (const index of [...indexes].sort((a, b) => a - b)) {
      const rowIndex = this.rowOf[index];
      if (!byRow.has(rowIndex)) byRow.set(rowIndex, []);
      byRow.get(rowIndex).push(this.number[index]);
    }
    return [...byRow.entries()].map(([rowIndex, numbers]) => {
      const row = this.rows[rowIndex];
      const runs = [];
      for (const number of numbers.sort((a, b) => a - b)) {
        const last = runs[runs.length - 1];
        if (last && number === last[1] + 1) last[1] = number;
        else runs.push([number, number]);
      }
      const text = runs.map(([from, to]) => (from === to ? `${from}` : to === from + 1 ? `${from}, ${to}` : `${from}–${to}`)).join(", ");
      return `${row.section}, row ${row.label}, ${numbers.length === 1 ? "seat" : "seats"} ${text}`;
    }).join("; ");
  }

  price(index) { return this.categories[this.category[index]]?.price_minor ?? 0; }

  /** Applies one /api/ws inventory message; returns the seat indexes it changed. */
  apply(delta) {
    const changed = [];
    for (const seat of decodeSeatChanges(delta.seats)) {
      const index = this.indexOf(seat.id);
      if (index < 0 || index >= this.count) continue;
      this.status[index] = seat.status;
      changed.push(index);
    }
    for (const pool of delta.pools) {
      const known = this.pools.get(pool.id);
      if (known) known.available = pool.available;
    }
    this.version = delta.version;
    this.seatsAvailable = delta.seats_available;
    return changed;
  }

  counts() {
    const counts = [0, 0, 0];
    for (const status of this.status) counts[status] += 1;
    return { available: counts[AVAILABLE], held: counts[HELD], sold: counts[SOLD] };
  }
}
