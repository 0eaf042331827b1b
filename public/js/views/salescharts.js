// The chosen event's sales over time, from GET /api/events/{id}/stats, drawn by charts.js: tickets sold and revenue
// (with refunds) over a chosen range, holds and refused holds a minute over the last hour, tickets sold per category
// and tickets checked in. While the event is on sale the charts are read again every 5 s (not while the tab is hidden,
// and drawn again only when the numbers changed). Each chart's figure names the window it shows (data-from, data-to,
// data-step: what the stats were asked for) and each total its number (data-value), so the page can be checked
// against the API.

import * as api from "../api.js";
import { barsByName, barsOverTime, linesOverTime } from "../charts.js";
import { h, money } from "../format.js";

const MINUTE = 60000;
const HOUR = 3600000;
const DAY = 86400000;

const ranges = [
  ["hour", "Last hour (per minute)"],
  ["day", "Last 24 h (per hour)"],
  ["sales", "Since sales opened (per day)"],
];

/** "ticket" or "tickets", as `n` asks. */
const plural = (n, word) => (n === 1 ? word : `${word}s`);

/** A moment as the stats read it: ISO 8601 to the second, in UTC. */
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The window of a range at `now`: { from, to, step } (ISO, ISO, seconds), the current minute, hour or day the last
 * bucket. */
export function windowOf(range, event, now = Date.now()) {
  if (range === "hour") {
    const to = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    return { from: iso(to - HOUR), to: iso(to), step: 60 };
  }
  if (range === "day") {
    const to = Math.floor(now / HOUR) * HOUR + HOUR;
    return { from: iso(to - DAY), to: iso(to), step: 3600 };
  }
  // Since sales opened: whole days from the local midnight of the day they opened (or of today, before they open),
  // at most 5,000 of them (the server's limit), through the end of today.
  const opened = new Date(Math.min(Date.parse(event.sales_start) || now, now));
  opened.setHours(0, 0, 0, 0);
  const days = Math.max(1, Math.ceil((now + 1 - opened.getTime()) / DAY));
  const to = opened.getTime() + days * DAY;
  return { from: iso(to - Math.min(days, 5000) * DAY), to: iso(to), step: 86400 };
}

/** The charts card; `show(event)` charts that event, `stop()` ends the refreshing. */
export function salesCharts(access) {
  const range = h("select", { id: "chart-range", "data-testid": "chart-range", onchange: () => load(true) },
    ...ranges.map(([value, label]) => h("option", { value }, label)));
  const message = h("div", { "aria-live": "polite", "data-testid": "charts-message" });
  const live = h("span", { class: "muted", "data-testid": "charts-live" });

  /** A chart's box: heading, totals (filled on each draw), the SVG. */
  const box = (testId, title) => {
    const totals = h("p", { class: "chart-totals" });
    const plot = h("div", { class: "chart-plot" });
    const element = h("figure", { class: "chart", "data-testid": testId }, h("figcaption", {}, h("h3", {}, title), totals), plot);
    return { element, totals, plot };
  };
  const sold = box("chart-sold", "Tickets sold");
  const revenue = box("chart-revenue", "Revenue and refunds");
  const holds = box("chart-holds", "Holds a minute (last hour)");
  const conflicts = box("chart-conflicts", "Refused holds a minute, seat taken (last hour)");
  const categories = box("chart-categories", "Sold by category");
  const checkedIn = box("chart-checked-in", "Checked in");
  const element = h("div", { class: "card charts", "data-testid": "charts" },
    h("div", { class: "row" }, h("div", {}, h("label", { for: "chart-range" }, "Range"), range), live),
    message,
    h("div", { class: "chart-grid-layout" }, sold.element, revenue.element, holds.element, conflicts.element, categories.element, checkedIn.element));

  let event = null;
  let timer = 0;
  let reads = 0;
  let busy = false;
  // What was last drawn, so a refresh that changes nothing leaves the DOM alone.
  let drawnRange = "";
  let drawnActivity = "";
  let draws = 0;

  /** A total in words, its number in data-value. */
  const total = (testId, value, text) => h("strong", { "data-testid": testId, "data-value": String(value) }, text);
  const count = (value) => String(value);
  count.whole = true;

  function mark(chart, stats) {
    chart.element.dataset.from = stats.asked.from;
    chart.element.dataset.to = stats.asked.to;
    chart.element.dataset.step = String(stats.asked.step);
  }

  /** How wide to draw: the box's width (text then keeps its size on a phone), from 300 to 600. */
  const widthOf = (chart) => Math.round(Math.min(600, Math.max(300, chart.plot.clientWidth || 600)));

  function drawRange(stats) {
    const { buckets, totals, currency, step_seconds: step } = stats;
    const cash = (minor) => money(minor, currency);
    const per = { 60: "a minute", 3600: "an hour", 86400: "a day" }[step] || `every ${step / 60} min`;
    sold.totals.replaceChildren(total("total-sold", totals.sold, String(totals.sold)), ` ${plural(totals.sold, "ticket")} sold (a bar ${per})`);
    sold.plot.replaceChildren(barsOverTime(buckets, step, "sold", { testId: "sold-bar", format: count, unit: " sold", width: widthOf(sold),
      label: `Tickets sold ${per}: ${totals.sold} in all` }));
    revenue.totals.replaceChildren(total("total-revenue", totals.revenue_minor, cash(totals.revenue_minor)), " revenue, ",
      total("total-refunded", totals.refunded_minor, cash(totals.refunded_minor)), " refunded");
    revenue.plot.replaceChildren(linesOverTime(buckets, step, [
      { field: "revenue_minor", testId: "revenue-point", kind: "revenue", name: "revenue" },
      { field: "refunded_minor", testId: "refunded-point", kind: "refunded", name: "refunded" },
    ], { format: cash, least: 100, width: widthOf(revenue), label: `Revenue ${per}: ${cash(totals.revenue_minor)} in all, ${cash(totals.refunded_minor)} refunded` }));
    const rows = stats.by_category.map((entry) => ({ name: entry.name, value: entry.sold, revenue: entry.revenue_minor,
      text: `${entry.sold} · ${cash(entry.revenue_minor)}` }));
    const inCategories = rows.reduce((sum, row) => sum + row.value, 0);
    categories.totals.replaceChildren(total("total-categories", inCategories, String(inCategories)),
      ` ${plural(inCategories, "ticket")} in ${rows.length} ${rows.length === 1 ? "category" : "categories"}`);
    categories.plot.replaceChildren(barsByName(rows, { testId: "category-bar", label: "Tickets sold per category", width: widthOf(categories),
      extra: (row) => ({ "data-revenue": row.revenue }) }));
    checkedIn.totals.replaceChildren(total("total-checked-in", totals.checked_in, String(totals.checked_in)), ` ${plural(totals.checked_in, "ticket")} let in (a bar ${per})`);
    checkedIn.plot.replaceChildren(barsOverTime(buckets, step, "checked_in", { testId: "checked-in-bar", format: count, unit: " let in", kind: "door", width: widthOf(checkedIn),
      label: `Tickets checked in ${per}: ${totals.checked_in} in all` }));
    for (const chart of [sold, revenue, categories, checkedIn]) mark(chart, stats);
  }

  function drawActivity(stats) {
    const { buckets, totals, step_seconds: step } = stats;
    holds.totals.replaceChildren(total("total-holds", totals.holds, String(totals.holds)), ` ${plural(totals.holds, "hold")} made`);
    holds.plot.replaceChildren(barsOverTime(buckets, step, "holds", { testId: "holds-bar", format: count, unit: " holds", kind: "holds", width: widthOf(holds),
      label: `Holds a minute over the last hour: ${totals.holds} in all` }));
    conflicts.totals.replaceChildren(total("total-conflicts", totals.conflicts, String(totals.conflicts)), " refused, the seat or ticket taken");
    conflicts.plot.replaceChildren(barsOverTime(buckets, step, "conflicts", { testId: "conflicts-bar", format: count, unit: " refused", kind: "conflicts", width: widthOf(conflicts),
      label: `Holds refused a minute over the last hour: ${totals.conflicts} in all` }));
    for (const chart of [holds, conflicts]) mark(chart, stats);
  }

  /** Reads the stats of the chosen range and of the last hour (one read when they are the same) and draws what changed;
   * `fresh` draws even what did not (a new event or range). */
  async function load(fresh = false) {
    if (!event) return;
    if (busy && !fresh) return;
    const eventId = event.id;
    const mine = ++reads;
    if (!access.ready()) {
      message.replaceChildren(h("p", { class: "notice warn" }, `${access.askToSignIn} Then you see the charts.`));
      return;
    }
    const now = Date.now();
    const chosen = windowOf(range.value, event, now);
    const hour = range.value === "hour" ? chosen : windowOf("hour", event, now);
    const read = (asked) => api.salesStats(eventId, asked, access.token()).then((stats) => ({ ...stats, asked }));
    busy = true;
    try {
      const first = await read(chosen);
      const second = hour === chosen ? first : await read(hour);
      if (mine !== reads || !event || event.id !== eventId) return;
      message.replaceChildren();
      const rangeText = JSON.stringify(first);
      const activityText = JSON.stringify(second);
      if (fresh || rangeText !== drawnRange) drawRange(first);
      if (fresh || activityText !== drawnActivity) drawActivity(second);
      drawnRange = rangeText;
      drawnActivity = activityText;
      draws += 1;
      element.dataset.state = "ready";
      element.dataset.reads = String(draws);
      element.dataset.range = range.value;
    } catch (error) {
      if (mine === reads) message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    } finally {
      if (mine === reads) busy = false;
    }
  }

  function schedule() {
    clearInterval(timer);
    timer = 0;
    const onSale = event?.phase === "on_sale";
    live.textContent = onSale ? "On sale: read again every 5 s." : "";
    if (onSale) timer = setInterval(() => { if (!document.hidden) load(); }, 5000);
  }

  return {
    element,
    show(shown) {
      const changed = event?.id !== shown.id;
      event = shown;
      if (changed) {
        // An event on sale opens on its last hour; any other on its whole sale.
        range.value = shown.phase === "on_sale" ? "hour" : "sales";
        delete element.dataset.state;
        drawnRange = "";
        drawnActivity = "";
      }
      schedule();
      load(changed);
    },
    /** Reads again, as the range asks (the organizer's authority changed). */
    refresh: () => load(true),
    stop() {
      clearInterval(timer);
      event = null;
    },
  };
}
