// The organizer's sections, a link each: events and sales (#/organizer) and webhooks (#/organizer/webhooks).

import { h } from "../format.js";

const sections = [
  ["#/organizer", "Events and sales", "organizer-nav-events"],
  ["#/organizer/webhooks", "Webhooks", "organizer-nav-webhooks"],
];

/** The links, the section at `current` (its route) marked as the page shown. */
export function organizerNav(current) {
  return h("nav", { class: "subnav", "aria-label": "Organizer sections", "data-testid": "organizer-nav" },
    ...sections.map(([href, label, testId]) => h("a", { href, "data-testid": testId, "aria-current": href === current ? "page" : null }, label)));
}
