// Injected by `rounds serve` only: reloads the page after a rebuild, swaps
// stylesheets in place when only CSS changed, and shows build errors over
// the page (the page itself stays the last good build).
(() => {
  const events = new EventSource("/_rounds/events");
  let overlay = null;

  function hideError() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showError(text) {
    hideError();
    overlay = document.createElement("div");
    overlay.id = "rounds-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.92);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,monospace";
    const title = document.createElement("h2");
    title.textContent = "Rounds could not rebuild the site";
    title.style.cssText = "font:bold 18px system-ui,sans-serif;margin:0 0 1rem;color:#ff8a80";
    const note = document.createElement("p");
    note.textContent = "You are seeing the last good build. Fix the problem and save: this goes away by itself.";
    note.style.cssText = "font:14px system-ui,sans-serif;margin:0 0 1rem";
    const pre = document.createElement("pre");
    pre.textContent = text;
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    overlay.append(title, note, pre);
    document.body.append(overlay);
  }

  function swapStyles() {
    const stamp = Date.now();
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("rounds", stamp);
      link.href = url.toString();
    }
  }

  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", () => { hideError(); swapStyles(); });
  events.addEventListener("error", (e) => { if (e.data) showError(JSON.parse(e.data).text); });
  events.addEventListener("ok", () => hideError());
})();
