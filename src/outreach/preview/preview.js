// The preview's filters and counts and, under `rounds serve`, its approve
// buttons. Without this script every card shows and the filters stay hidden.
(() => {
  const form = document.getElementById("filters");
  if (!form) return;
  const cards = [...document.querySelectorAll("article.card")];
  const names = ["network", "post", "kind", "state"];
  const shown = document.getElementById("shown");

  // Shows the cards every chosen value matches, and the sections holding them.
  function apply(remember) {
    const want = {};
    for (const n of names) want[n] = form.elements[n].value;
    let count = 0;
    for (const card of cards) {
      const ok = names.every((n) => !want[n] || card.dataset[n] === want[n]);
      card.hidden = !ok;
      if (ok) count++;
    }
    for (const section of document.querySelectorAll("section.post, section.day")) {
      section.hidden = !section.querySelector("article.card:not([hidden])");
    }
    shown.textContent = `Showing ${count} of ${cards.length} items`;
    recount();
    if (remember) {
      // In the address, so a reload (a rebuild after a save) keeps it.
      const query = new URLSearchParams();
      for (const n of names) if (want[n]) query.set(n, want[n]);
      const q = query.toString();
      history.replaceState(null, "", q ? `?${q}` : location.pathname);
    }
  }

  // The count beside each state, of the cards the other filters choose
  // (a state's count says what choosing it would show); again after an
  // approval moved a card.
  function recount() {
    const counts = {};
    const others = names.filter((n) => n !== "state");
    for (const card of cards) {
      const ok = others.every((n) => !form.elements[n].value || card.dataset[n] === form.elements[n].value);
      if (ok) counts[card.dataset.state] = (counts[card.dataset.state] || 0) + 1;
    }
    for (const li of document.querySelectorAll(".tally [data-state]")) {
      const n = counts[li.dataset.state] || 0;
      li.dataset.count = n;
      li.querySelector("strong").textContent = n;
      li.hidden = n === 0;
    }
    for (const option of form.elements.state.options) {
      if (option.value) option.textContent = `${option.dataset.label} (${counts[option.value] || 0})`;
    }
  }

  function choose(name, value) {
    const select = form.elements[name];
    if ([...select.options].some((o) => o.value === value)) select.value = value;
  }

  const query = new URLSearchParams(location.search);
  for (const n of names) if (query.get(n)) choose(n, query.get(n));
  form.hidden = false;
  form.addEventListener("change", () => apply(true));
  form.addEventListener("reset", () => setTimeout(() => apply(true)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    apply(true);
  });
  for (const link of document.querySelectorAll(".tally a")) {
    link.addEventListener("click", (e) => {
      e.preventDefault();
      choose("state", link.parentElement.dataset.state);
      apply(true);
      form.elements.state.focus();
    });
  }
  apply(false);

  // Approvals: only in the page `rounds serve` serves, which carries a token
  // made for this run. The server writes the ledger as `rounds social
  // approve` does; the rebuild that follows reloads the page.
  const token = document.querySelector('meta[name="rounds-approve-token"]')?.content;
  if (!token) return;
  const WORDS = { approve: "Approve", withdraw: "Withdraw approval" };

  function button(box) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "approve";
    b.textContent = WORDS[box.dataset.approvable];
    const note = document.createElement("p");
    note.className = "approve-note";
    note.setAttribute("role", "status");
    box.replaceChildren(b, note);
    b.addEventListener("click", () => send(box, b, note));
  }

  async function send(box, b, note) {
    const card = box.closest("article.card");
    const approve = box.dataset.approvable === "approve";
    b.disabled = true;
    note.textContent = approve ? "Approving…" : "Withdrawing…";
    try {
      const response = await fetch("/_rounds/approve", {
        method: "POST",
        headers: { "content-type": "application/json", "x-rounds-token": token },
        body: JSON.stringify({ id: card.dataset.id, approve }),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(answer.error || `the server answered ${response.status}`);
      card.dataset.state = answer.state;
      card.querySelector(".card-head .state").textContent = answer.label;
      box.dataset.approvable = answer.approvable || "";
      recount();
      if (answer.approvable) {
        b.textContent = WORDS[answer.approvable];
        b.disabled = false;
      } else {
        b.remove();
      }
      note.textContent = approve
        ? "Approved: written to syndication.toml."
        : "Approval withdrawn in syndication.toml.";
    } catch (error) {
      b.disabled = false;
      note.textContent = `Not saved: ${error.message}`;
    }
  }

  for (const box of document.querySelectorAll(".approve-box[data-approvable]")) button(box);
})();
