// Small charts drawn as inline SVG, no library: bars or a line over time buckets, and horizontal bars per name. Every
// bar and point carries data-testid, data-value (the number it stands for) and, over time, data-start; each has a
// <title> for the pointer and the chart an aria-label, so what it shows can be read without seeing it.

const SVG = "http://www.w3.org/2000/svg";
const HEIGHT = 190;
const LEFT = 58;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 24;

/** An SVG element with attributes and children (strings become text). */
function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  for (const child of children) if (child !== null && child !== undefined) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

/** The smallest of 1, 2, 5 × 10^n at or above `value` (1 for nothing), so the top of the scale is a round number. */
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const scaled = value / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/** A bucket's start as the x axis says it: "14:05" a minute a step, "Dec 5, 14:00" an hour, "Dec 5" a day. */
export function timeLabel(iso, stepSeconds) {
  const date = new Date(Date.parse(iso) + (stepSeconds >= 86400 ? stepSeconds * 500 : 0)); // a day: its middle, whatever the clock change
  if (stepSeconds >= 86400) return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  if (stepSeconds >= 3600) return date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** The frame of a chart over time, `width` wide (the box it is drawn in, so its text keeps its size): the y axis from 0
 * to `top` (labelled by `format`) and the x axis labelled at its first, middle and last bucket. */
function frame(buckets, stepSeconds, top, format, label, width) {
  const plotW = width - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const svg = s("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, role: "img", "aria-label": label, class: "chart-svg" });
  const y = (value) => TOP + plotH - (value / top) * plotH;
  const grid = s("g", { class: "chart-grid" });
  for (const fraction of [0, 0.5, 1]) {
    const at = y(top * fraction);
    grid.append(s("line", { x1: LEFT, x2: width - RIGHT, y1: at, y2: at }));
    // The middle line is labelled only where it is a value of the scale (whole tickets).
    const value = top * fraction;
    if (fraction !== 0.5 || !format.whole || Number.isInteger(value)) {
      grid.append(s("text", { x: LEFT - 6, y: at + 4, "text-anchor": "end", class: "chart-label", "data-testid": "y-label" }, format(value)));
    }
  }
  const axis = s("g", { class: "chart-axis" }, s("line", { x1: LEFT, x2: width - RIGHT, y1: TOP + plotH, y2: TOP + plotH }));
  const n = buckets.length;
  const slot = plotW / Math.max(1, n);
  const marks = n ? [...new Set([0, Math.floor((n - 1) / 2), n - 1])] : [];
  for (const index of marks) {
    const x = LEFT + slot * (index + 0.5);
    const anchor = n > 1 && index === 0 ? "start" : n > 1 && index === n - 1 ? "end" : "middle";
    axis.append(s("text", { x: anchor === "start" ? LEFT : anchor === "end" ? width - RIGHT : x, y: HEIGHT - 6, "text-anchor": anchor, class: "chart-label",
      "data-testid": "x-label" }, timeLabel(buckets[index].start, stepSeconds)));
  }
  svg.append(grid, axis);
  return { svg, y, slot, plotH };
}

/** A bar per bucket of `field` (each a <rect data-testid=`testId` data-value data-start>), `width` wide. `format` writes
 * a value for the y axis and the pointer; `format.whole` says the values are whole numbers. */
export function barsOverTime(buckets, stepSeconds, field, { testId, format, label, unit = "", kind = "", width = 600 }) {
  const values = buckets.map((bucket) => Number(bucket[field]));
  const top = niceMax(Math.max(0, ...values));
  const { svg, y, slot } = frame(buckets, stepSeconds, top, format, label, width);
  const gap = slot > 4 ? Math.min(2, slot * 0.2) : 0;
  const bars = s("g", { class: `chart-bars ${kind}` });
  buckets.forEach((bucket, index) => {
    const value = values[index];
    const height = y(0) - y(value);
    bars.append(s("rect", { x: (LEFT + slot * index + gap / 2).toFixed(2), y: y(value).toFixed(2), width: Math.max(0.5, slot - gap).toFixed(2),
      height: Math.max(0, height).toFixed(2), "data-testid": testId, "data-value": value, "data-start": bucket.start },
    s("title", {}, `${timeLabel(bucket.start, stepSeconds)}: ${format(value)}${unit}`)));
  });
  svg.append(bars);
  return svg;
}

/** Lines over time, one per series ({ field, testId, kind, name }), each point a <circle data-testid data-value
 * data-start>; the scale is shared, its top at least `least`. */
export function linesOverTime(buckets, stepSeconds, series, { format, label, least = 1, width = 600 }) {
  const top = niceMax(Math.max(least, ...series.flatMap(({ field }) => buckets.map((bucket) => Number(bucket[field])))));
  const { svg, y, slot } = frame(buckets, stepSeconds, top, format, label, width);
  // Many points: dots too small to tell apart only clutter the line (they stay, for the pointer and for a test).
  const radius = slot >= 8 ? 2.6 : 1.2;
  for (const { field, testId, kind, name } of series) {
    const points = buckets.map((bucket, index) => [LEFT + slot * (index + 0.5), y(Number(bucket[field]))]);
    const group = s("g", { class: `chart-line ${kind}` },
      s("polyline", { points: points.map(([x, at]) => `${x.toFixed(2)},${at.toFixed(2)}`).join(" "), fill: "none" }));
    buckets.forEach((bucket, index) => {
      const value = Number(bucket[field]);
      group.append(s("circle", { cx: points[index][0].toFixed(2), cy: points[index][1].toFixed(2), r: radius, "data-testid": testId, "data-value": value,
        "data-start": bucket.start }, s("title", {}, `${timeLabel(bucket.start, stepSeconds)}: ${name} ${format(value)}`)));
    });
    svg.append(group);
  }
  return svg;
}

/** Horizontal bars, one per row ({ name, value, text }): <rect data-testid=`testId` data-name data-value>, the name on
 * the left and `text` on the right; `width` wide. */
export function barsByName(rows, { testId, label, extra = () => ({}), width = 600 }) {
  const rowHeight = 26;
  const nameWidth = Math.min(150, Math.round(width * 0.3));
  const textWidth = Math.min(130, Math.round(width * 0.3));
  const height = Math.max(1, rows.length) * rowHeight + 6;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "chart-svg" });
  const top = niceMax(Math.max(0, ...rows.map((row) => row.value)));
  const plotW = width - nameWidth - textWidth - 8;
  rows.forEach((row, index) => {
    const y = 3 + index * rowHeight;
    const width = (row.value / top) * plotW;
    svg.append(s("g", { class: "chart-bars" },
      s("text", { x: nameWidth - 6, y: y + rowHeight / 2 + 4, "text-anchor": "end", class: "chart-label" },
        row.name.length > nameWidth / 7 ? `${row.name.slice(0, Math.floor(nameWidth / 7) - 1)}…` : row.name),
      s("rect", { x: nameWidth, y: y + 4, width: Math.max(row.value ? 1 : 0, width).toFixed(2), height: rowHeight - 8, "data-testid": testId,
        "data-name": row.name, "data-value": row.value, ...extra(row) }, s("title", {}, `${row.name}: ${row.text}`)),
      s("text", { x: nameWidth + Math.max(0, width) + 6, y: y + rowHeight / 2 + 4, class: "chart-label" }, row.text)));
  });
  if (!rows.length) svg.append(s("text", { x: width / 2, y: 18, "text-anchor": "middle", class: "chart-label" }, "No categories"));
  return svg;
}
