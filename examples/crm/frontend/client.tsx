/// <reference lib="dom" />
/**
 * The crm plugin's client module: the customers page's filter narrows the table the server
 * rendered as the user types, without a round trip (rows are hidden, never removed).
 *
 * @module
 */

for (const input of document.querySelectorAll<HTMLInputElement>("[data-customer-filter]")) {
  const rows = [...document.querySelectorAll<HTMLTableRowElement>("tr[data-customer]")];
  const shown = document.querySelector<HTMLOutputElement>("[data-customer-shown]");
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLowerCase();
    let visible = 0;
    for (const row of rows) {
      row.hidden = !row.dataset.customer!.includes(needle);
      if (!row.hidden) visible++;
    }
    if (shown) shown.value = `${visible} of ${rows.length}`;
  });
}
