// The customer's wallet: open it, top it up, see the balance (live) and the ledger.

import * as api from "../api.js";
import { dateTime, h, money } from "../format.js";
import * as session from "../session.js";

export async function renderWallet(root, { live }) {
  root.append(h("h1", {}, "Wallet"));
  const customer = session.customer();
  if (!customer) {
    root.append(h("p", { class: "notice warn" }, "Sign in or continue as a guest (top right) to use a wallet."));
    return null;
  }
  const content = h("div");
  root.append(content);
  let account = await api.myWallet();

  function renderCreate() {
    const currency = h("select", { id: "wallet-currency" }, ...["EUR", "USD", "GBP", "RUB"].map((code) => h("option", { value: code }, code)));
    const error = h("div", { "aria-live": "polite" });
    content.replaceChildren(h("div", { class: "card" },
      h("p", {}, "You have no wallet yet. Bookings are paid from it."),
      h("label", { for: "wallet-currency" }, "Currency"),
      h("div", { class: "row" }, currency,
        h("button", { type: "button", "data-testid": "create-wallet", onclick: async () => {
          try {
            account = await api.createWallet(currency.value);
            await renderAccount();
          } catch (problem) {
            error.replaceChildren(h("p", { class: "notice bad" }, problem.message));
          }
        } }, "Create wallet")),
      error));
  }

  const balance = h("p", { class: "big", "data-testid": "balance" });
  const ledgerBody = h("tbody", { "data-testid": "ledger" });

  async function renderLedger() {
    const entries = await api.ledger(account.id);
    ledgerBody.replaceChildren(...entries.map((entry) => h("tr", {},
      h("td", {}, dateTime(entry.created_at)),
      h("td", {}, entry.kind),
      h("td", { class: "num" }, money(entry.amount_minor, account.currency)),
      h("td", { class: "num" }, money(entry.balance_after_minor, account.currency)))));
    if (!entries.length) ledgerBody.append(h("tr", {}, h("td", { colspan: "4" }, "No movements yet.")));
  }

  async function renderAccount() {
    balance.textContent = money(account.balance_minor, account.currency);
    const amount = h("input", { id: "top-up-amount", type: "number", min: "0.01", step: "0.01", value: "100", "data-testid": "top-up-amount", style: "width:8rem" });
    const message = h("div", { "aria-live": "polite" });
    content.replaceChildren(
      h("div", { class: "card" },
        h("p", { class: "muted" }, "Balance"), balance,
        h("form", { onsubmit: async (event) => {
          event.preventDefault();
          const minor = Math.round(Number(amount.value) * 100);
          try {
            const result = await api.deposit(account.id, minor);
            account = result.account;
            balance.textContent = money(account.balance_minor, account.currency);
            message.replaceChildren(h("p", { class: "notice ok" }, `Added ${money(minor, account.currency)}.`));
            await renderLedger();
          } catch (error) {
            message.replaceChildren(h("p", { class: "notice bad" }, error.message));
          }
        } },
        h("label", { for: "top-up-amount" }, `Top up (${account.currency})`),
        h("div", { class: "row" }, amount, h("button", { type: "submit", "data-testid": "top-up" }, "Top up"))),
        message),
      h("h2", {}, "Ledger"),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "When"), h("th", {}, "What"), h("th", { class: "num" }, "Amount"), h("th", { class: "num" }, "Balance after"))), ledgerBody));
    await renderLedger();
  }

  if (account) await renderAccount();
  else renderCreate();

  const stops = [
    live.subscribe({ customer }),
    live.on("wallet", (change) => {
      if (change.customer !== customer || !account) return;
      account = { ...account, balance_minor: change.balance_minor };
      balance.textContent = money(change.balance_minor, account.currency);
      renderLedger();
    }),
  ];
  return () => { for (const stop of stops) stop(); };
}
