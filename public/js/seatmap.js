// The seat map on a canvas: draws only what is in view, pans by dragging, zooms with the wheel or the
// buttons, and is fully usable from the keyboard (arrows move, Enter or Space selects).

import { AVAILABLE, HELD, SOLD } from "./seatmodel.js";

const PITCH = 14;
const SEAT = 11;
const ROW_GAP = 4;
const SECTION_GAP = 36;
const GUTTER = 34;

/** Category colours, each readable against white. */
export const PALETTE = ["#0a58ca", "#8250df", "#bf3989", "#1a7f37", "#b35900", "#0e7c86", "#6e40c9", "#9a6700"];
export const HELD_COLOUR = "#c5cbd3";
export const SOLD_COLOUR = "#424a53";
export const SELECTED_COLOUR = "#ff7b00";

/** The wheelchair mark of an accessible seat, drawn over the seat's square at (x, y) in map units. */
function drawAccessibleMark(g, x, y, colour) {
  g.save();
  g.strokeStyle = colour;
  g.fillStyle = colour;
  g.lineWidth = 1.1;
  g.lineCap = "round";
  g.lineJoin = "round";
  g.beginPath();
  g.arc(x + 4.6, y + 2.3, 1.3, 0, Math.PI * 2);
  g.fill();
  g.beginPath();
  g.moveTo(x + 4.6, y + 4.2);
  g.lineTo(x + 4.6, y + 6.6);
  g.lineTo(x + 7.4, y + 6.6);
  g.lineTo(x + 8.6, y + 9.4);
  g.stroke();
  g.beginPath();
  g.arc(x + 4.4, y + 7.4, 2.5, 0, Math.PI * 1.5);
  g.stroke();
  g.restore();
}

/** A legend swatch: an available seat of the first category with the accessible mark, drawn as on the map. */
export function accessibleSwatch() {
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  const size = SEAT + 2;
  canvas.width = Math.round(size * ratio);
  canvas.height = Math.round(size * ratio);
  canvas.className = "swatch-mark";
  canvas.setAttribute("aria-hidden", "true");
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.fillStyle = PALETTE[0];
  g.beginPath();
  g.roundRect(1, 1, SEAT, SEAT, 2.5);
  g.fill();
  drawAccessibleMark(g, 1, 1, "#ffffff");
  return canvas;
}

export class SeatMapView {
  /**
   * @param canvas the canvas to draw on (focusable).
   * @param options.selectable whether seats can be picked; options.onSelect(indexes) after each change;
   *   options.announce(text) for screen readers.
   */
  constructor(canvas, options = {}) {
    this.canvas = canvas;
    this.options = options;
    this.model = null;
    this.selected = new Set();
    this.mine = new Set();
    this.cursor = -1;
    this.scale = 1;
    this.offsetX = 0;
    this.offsetY = 0;
    this.pending = false;
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-roledescription", "seat map");
    canvas.setAttribute("aria-label", "Seat map. Use the arrow keys to move between seats and Enter or Space to select one.");
    this.listen();
    new ResizeObserver(() => this.redraw()).observe(canvas);
  }

  /** Shows a model; keeps the zoom and the selection of seats that are still available. */
  show(model) {
    const first = !this.model || this.model.eventId !== model.eventId;
    if (first) {
      this.selected.clear();
      this.mine.clear();
      this.cursor = -1;
    }
    this.model = model;
    this.layout();
    for (const index of this.selected) if (model.status[index] !== AVAILABLE) this.selected.delete(index);
    if (first) this.fit();
    this.redraw();
  }

  /** Seats changed status (a delta); drops taken seats from the selection. */
  changed(indexes) {
    let lost = [];
    for (const index of indexes) {
      if (this.selected.has(index) && this.model.status[index] !== AVAILABLE) {
        this.selected.delete(index);
        lost.push(index);
      }
    }
    this.redraw();
    if (lost.length) this.options.onSelect?.([...this.selected], lost);
  }

  clearSelection() {
    this.selected.clear();
    this.redraw();
  }

  layout() {
    const model = this.model;
    const widest = Math.max(1, ...model.rows.map((row) => row.length));
    this.x = new Float32Array(model.count);
    this.y = new Float32Array(model.count);
    this.rowY = [];
    this.sectionTitles = [];
    let y = 40;
    let section = -1;
    model.rows.forEach((row, rowIndex) => {
      if (row.sectionIndex !== section) {
        section = row.sectionIndex;
        if (rowIndex > 0) y += SECTION_GAP - ROW_GAP;
        this.sectionTitles.push({ name: row.section, y });
        y += 18;
      }
      const left = GUTTER + ((widest - row.length) * PITCH) / 2;
      for (let i = 0; i < row.length; i += 1) {
        this.x[row.start + i] = left + i * PITCH;
        this.y[row.start + i] = y;
      }
      this.rowY.push(y);
      y += SEAT + ROW_GAP;
    });
    this.width = GUTTER * 2 + widest * PITCH;
    this.height = y + 10;
  }

  fit() {
    const box = this.canvas.getBoundingClientRect();
    if (!box.width || !this.width) return;
    this.scale = Math.min(2.5, box.width / this.width, box.height / this.height);
    this.offsetX = (box.width - this.width * this.scale) / 2;
    this.offsetY = Math.max(0, (box.height - this.height * this.scale) / 2);
    this.redraw();
  }

  zoom(factor, centerX, centerY) {
    const box = this.canvas.getBoundingClientRect();
    const cx = centerX ?? box.width / 2;
    const cy = centerY ?? box.height / 2;
    const next = Math.min(6, Math.max(0.05, this.scale * factor));
    this.offsetX = cx - ((cx - this.offsetX) * next) / this.scale;
    this.offsetY = cy - ((cy - this.offsetY) * next) / this.scale;
    this.scale = next;
    this.redraw();
  }

  redraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  /** Marks the seats of the customer's own booking, drawn like a selection. */
  setMine(indexes) {
    this.mine = new Set(indexes);
    this.redraw();
  }

  colour(index) {
    if (this.selected.has(index) || this.mine.has(index)) return SELECTED_COLOUR;
    const status = this.model.status[index];
    if (status === HELD) return HELD_COLOUR;
    if (status === SOLD) return SOLD_COLOUR;
    return PALETTE[this.model.category[index] % PALETTE.length];
  }

  draw() {
    const canvas = this.canvas;
    const box = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(box.width * ratio) || canvas.height !== Math.round(box.height * ratio)) {
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
    }
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, box.width, box.height);
    if (!this.model) return;
    g.translate(this.offsetX, this.offsetY);
    g.scale(this.scale, this.scale);
    const top = -this.offsetY / this.scale - PITCH;
    const bottom = (box.height - this.offsetY) / this.scale + PITCH;
    const left = -this.offsetX / this.scale - PITCH;
    const right = (box.width - this.offsetX) / this.scale + PITCH;

    g.fillStyle = "#eaeef2";
    g.fillRect(this.width / 2 - 120, 6, 240, 20);
    g.fillStyle = "#57606a";
    g.font = "12px system-ui, sans-serif";
    g.textAlign = "center";
    g.fillText("STAGE", this.width / 2, 20);
    g.textAlign = "left";
    g.font = "bold 13px system-ui, sans-serif";
    g.fillStyle = "#1b1f24";
    for (const title of this.sectionTitles) g.fillText(title.name, GUTTER, title.y + 10);

    const size = SEAT;
    const radius = this.scale * size > 6 ? 2.5 : 0;
    const labels = this.scale > 0.45;
    const marks = this.scale * size >= 8;
    g.font = "9px system-ui, sans-serif";
    this.model.rows.forEach((row, rowIndex) => {
      const y = this.rowY[rowIndex];
      if (y < top || y > bottom) return;
      if (labels) {
        g.fillStyle = "#57606a";
        g.fillText(row.label, this.x[row.start] - 20, y + 9);
      }
      for (let i = 0; i < row.length; i += 1) {
        const index = row.start + i;
        const x = this.x[index];
        if (x < left || x > right) continue;
        g.fillStyle = this.colour(index);
        if (radius) {
          g.beginPath();
          g.roundRect(x, y, size, size, radius);
          g.fill();
        } else {
          g.fillRect(x, y, size, size);
        }
        if (marks && this.model.accessible[index]) drawAccessibleMark(g, x, y, this.colour(index) === HELD_COLOUR ? "#1b1f24" : "#ffffff");
        if (this.selected.has(index)) {
          g.strokeStyle = "#1b1f24";
          g.lineWidth = 1.5;
          g.strokeRect(x - 1, y - 1, size + 2, size + 2);
        }
      }
    });
    if (this.cursor >= 0 && document.activeElement === canvas) {
      g.strokeStyle = "#1b1f24";
      g.lineWidth = 2.5 / Math.max(this.scale, 0.5);
      g.strokeRect(this.x[this.cursor] - 3, this.y[this.cursor] - 3, size + 6, size + 6);
    }
  }

  seatAt(clientX, clientY) {
    const box = this.canvas.getBoundingClientRect();
    const x = (clientX - box.left - this.offsetX) / this.scale;
    const y = (clientY - box.top - this.offsetY) / this.scale;
    const rowIndex = this.rowY.findIndex((rowY) => y >= rowY - 1 && y <= rowY + SEAT + 1);
    if (rowIndex < 0) return -1;
    const row = this.model.rows[rowIndex];
    const i = Math.floor((x - this.x[row.start] + 1) / PITCH);
    if (i < 0 || i >= row.length) return -1;
    const index = row.start + i;
    return x >= this.x[index] - 1 && x <= this.x[index] + SEAT + 1 ? index : -1;
  }

  /** Where a seat is drawn, in viewport coordinates (for tests and tooltips). */
  pointOf(index) {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: box.left + (this.x[index] + SEAT / 2) * this.scale + this.offsetX,
      y: box.top + (this.y[index] + SEAT / 2) * this.scale + this.offsetY,
    };
  }

  /** The seat under the pointer as the canvas's tooltip, naming accessible seats. */
  hover(clientX, clientY) {
    if (!this.model) return;
    const index = this.seatAt(clientX, clientY);
    const title = index < 0 ? "" : `${this.model.describe(index)}${this.model.isAccessible(index) ? " · Accessible seat" : ""}`;
    if (this.canvas.title !== title) this.canvas.title = title;
  }

  toggle(index) {
    if (!this.options.selectable || index < 0) return;
    const model = this.model;
    if (this.selected.has(index)) {
      this.selected.delete(index);
      this.options.announce?.(`${model.describe(index)} removed from your selection.`);
    } else if (model.status[index] === AVAILABLE) {
      this.selected.add(index);
      this.options.announce?.(`${model.describe(index)} selected.`);
    } else {
      this.options.announce?.(`${model.describe(index)} is ${model.status[index] === SOLD ? "sold" : "taken"}.`);
      return;
    }
    this.redraw();
    this.options.onSelect?.([...this.selected], []);
  }

  /** Moves the keyboard cursor and keeps it in view. */
  moveTo(index) {
    if (index < 0 || index >= this.model.count) return;
    this.cursor = index;
    const box = this.canvas.getBoundingClientRect();
    const x = this.x[index] * this.scale + this.offsetX;
    const y = this.y[index] * this.scale + this.offsetY;
    const margin = 40;
    if (x < margin) this.offsetX += margin - x;
    if (x > box.width - margin) this.offsetX -= x - (box.width - margin);
    if (y < margin) this.offsetY += margin - y;
    if (y > box.height - margin) this.offsetY -= y - (box.height - margin);
    const status = ["available", "taken", "sold"][this.model.status[index]];
    const state = this.selected.has(index) ? "selected" : this.mine.has(index) ? "yours" : status;
    const price = (this.model.price(index) / 100).toFixed(2);
    const accessible = this.model.isAccessible(index) ? ", accessible seat" : "";
    this.options.announce?.(`${this.model.describe(index)}${accessible}, ${price}, ${state}.`);
    this.redraw();
  }

  neighbour(index, direction) {
    const model = this.model;
    const rowIndex = model.rowOf[index];
    const row = model.rows[rowIndex];
    if (direction === "left") return index > row.start ? index - 1 : index;
    if (direction === "right") return index < row.start + row.length - 1 ? index + 1 : index;
    const target = model.rows[rowIndex + (direction === "up" ? -1 : 1)];
    if (!target) return index;
    let best = target.start;
    for (let i = target.start; i < target.start + target.length; i += 1) {
      if (Math.abs(this.x[i] - this.x[index]) < Math.abs(this.x[best] - this.x[index])) best = i;
    }
    return best;
  }

  listen() {
    const canvas = this.canvas;
    let drag = null;
    canvas.addEventListener("pointerdown", (event) => {
      this.pointing = true;
      drag = { x: event.clientX, y: event.clientY, offsetX: this.offsetX, offsetY: this.offsetY, moved: false };
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drag) {
        this.hover(event.clientX, event.clientY);
        return;
      }
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
      if (!drag.moved) return;
      this.offsetX = drag.offsetX + dx;
      this.offsetY = drag.offsetY + dy;
      this.redraw();
    });
    canvas.addEventListener("pointerup", (event) => {
      if (drag && !drag.moved && this.model) {
        const index = this.seatAt(event.clientX, event.clientY);
        if (index >= 0) {
          this.cursor = index;
          this.toggle(index);
        }
      }
      drag = null;
      this.pointing = false;
    });
    canvas.addEventListener("wheel", (event) => {
      event.preventDefault();
      const box = canvas.getBoundingClientRect();
      this.zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - box.left, event.clientY - box.top);
    }, { passive: false });
    canvas.addEventListener("focus", () => {
      if (this.model && this.cursor < 0 && !this.pointing) {
        const first = this.model.status.indexOf(AVAILABLE);
        this.moveTo(first >= 0 ? first : 0);
      } else {
        this.redraw();
      }
    });
    canvas.addEventListener("blur", () => this.redraw());
    canvas.addEventListener("keydown", (event) => {
      if (!this.model || !this.model.count) return;
      if (this.cursor < 0) this.cursor = 0;
      const moves = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };
      if (moves[event.key]) {
        this.moveTo(this.neighbour(Math.max(0, this.cursor), moves[event.key]));
      } else if (event.key === "Enter" || event.key === " ") {
        this.toggle(this.cursor);
      } else if (event.key === "+" || event.key === "=") {
        this.zoom(1.25);
      } else if (event.key === "-") {
        this.zoom(0.8);
      } else if (event.key === "Home") {
        this.moveTo(this.model.rows[this.model.rowOf[this.cursor]].start);
      } else if (event.key === "End") {
        const row = this.model.rows[this.model.rowOf[this.cursor]];
        this.moveTo(row.start + row.length - 1);
      } else {
        return;
      }
      event.preventDefault();
    });
  }
}
