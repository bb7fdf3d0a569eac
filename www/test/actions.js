// The actions fixture: wires the page's buttons, and once the document is parsed remembers the
// body as the server sent it, then loads Moments (so the snapshot is taken before the SDK can
// change anything).
(function () {
  window.dataLayer = window.dataLayer || [];
  const call = (...args) => (window.Moments = window.Moments || []).push(args);
  document.getElementById("open-modal").addEventListener("click", () => call("track", "open_modal"));
  document.getElementById("open-flow").addEventListener("click", () => call("track", "open_flow"));
  document.getElementById("add-late").addEventListener("click", () => {
    const li = document.createElement("li");
    li.className = "item late";
    li.textContent = "An item rendered later";
    document.getElementById("list").appendChild(li);
  });
  document.addEventListener("DOMContentLoaded", () => {
    window.__before = document.body.innerHTML;
    const s = document.createElement("script");
    s.src = "/moments/moments.js";
    s.setAttribute("data-bundle", new URLSearchParams(location.search).get("bundle") || "/test/actions-bundle.json");
    s.setAttribute("data-storage", "memory");
    document.head.appendChild(s);
  });
})();
