// Whose authority the organizer's page acts with: the organizer's own account, signed in at the top right like a
// customer; or, second choice, a bootstrap organizer token pasted here (BOXOFFICE_ORGANIZER_TOKEN, or the server's
// data/organizer-token), kept for this tab.

import { h } from "../format.js";
import * as session from "../session.js";

/** The page's access card and what the page asks it; `onChange` runs when the pasted token changes. */
export function organizerAccess(onChange) {
  const askToSignIn = "Log in with an organizer account (top right), or use a bootstrap token.";
  const signedIn = session.isOrganizer();
  const input = h("input", { id: "organizer-token", type: "password", value: session.organizerToken(), autocomplete: "off", style: "min-width:18rem",
    onchange: () => {
      session.setOrganizerToken(input.value);
      onChange();
    } });
  const pasted = () => (signedIn ? "" : input.value.trim());
  const tokenField = h("div", { hidden: !session.organizerToken(), "data-testid": "bootstrap-token" },
    h("label", { for: "organizer-token" }, "Bootstrap organizer token"),
    h("p", { class: "muted hint" }, "BOXOFFICE_ORGANIZER_TOKEN, or the file organizer-token in the server's data directory."),
    input);
  const element = signedIn
    ? h("p", { class: "notice ok", "data-testid": "organizer-session" }, "Signed in as the organizer ",
      h("strong", {}, session.displayName()), ".")
    : h("div", { class: "card access", "data-testid": "organizer-sign-in" },
      h("p", { style: "margin-top:0" }, "Log in with an organizer account (top right) to create events, see orders and refund them."),
      h("button", { type: "button", class: "link", "data-testid": "use-bootstrap-token", hidden: !tokenField.hidden, onclick: (click) => {
        click.currentTarget.hidden = true;
        tokenField.hidden = false;
        input.focus();
      } }, "Use a bootstrap token instead"),
      tokenField);
  return {
    element,
    /** The bearer for api.js: the pasted token, or "" for the session's own (which api.js refreshes). */
    token: pasted,
    /** What a WebSocket of its own signs in with. */
    socketToken: () => pasted() || session.accessToken(),
    /** Whether the page has an organizer's authority to try. */
    ready: () => signedIn || Boolean(pasted()),
    /** What to do without it. */
    askToSignIn,
    /** Whether organizer pushes may be watched on the app's shared socket (signed in with the session's token). */
    onSharedSocket: signedIn,
    /** A refused request in words. */
    refusal(error) {
      if (error.status === 401 && pasted()) return "The organizer token is wrong.";
      if (error.status === 401 || error.status === 403) return askToSignIn;
      return error.message;
    },
  };
}
