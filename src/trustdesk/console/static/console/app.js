// TrustDesk console: keyboard shortcuts and small conveniences. No inline script anywhere:
// this file is loaded under a CSP that forbids it.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  }

  function select(index) {
    var all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    all[index].classList.add("selected");
    all[index].setAttribute("aria-selected", "true");
    all[index].scrollIntoView({ block: "nearest" });
  }

  function selectedIndex() {
    return rows().findIndex(function (r) { return r.classList.contains("selected"); });
  }

  var pendingG = false;
  var goTargets = { t: "tickets", c: "customers", a: "agents", d: "datamap" };

  document.addEventListener("keydown", function (e) {
    var reply = document.querySelector("form[data-reply]");
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && reply && reply.contains(e.target)) {
      e.preventDefault();
      reply.requestSubmit();
      return;
    }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (pendingG) {
      pendingG = false;
      var nav = goTargets[e.key] && document.querySelector('[data-nav="' + goTargets[e.key] + '"]');
      if (nav) { e.preventDefault(); window.location = nav.href; }
      return;
    }
    switch (e.key) {
      case "g": pendingG = true; setTimeout(function () { pendingG = false; }, 1200); break;
      case "/": {
        var search = document.querySelector('[data-shortcut="/"]');
        if (search) { e.preventDefault(); search.focus(); search.select && search.select(); }
        break;
      }
      case "r": {
        var body = document.querySelector('[data-shortcut="r"]');
        if (body) { e.preventDefault(); body.focus(); }
        break;
      }
      case "j": select(selectedIndex() + 1); break;
      case "k": select(selectedIndex() < 0 ? 0 : selectedIndex() - 1); break;
      case "Enter": {
        var current = rows()[selectedIndex()];
        if (current) window.location = current.getAttribute("data-href");
        break;
      }
      case "?": {
        var help = document.getElementById("kbd-help");
        if (help) help.hidden = !help.hidden;
        break;
      }
      case "Escape": {
        var h = document.getElementById("kbd-help");
        if (h) h.hidden = true;
        break;
      }
    }
  });

  // A click anywhere on a queue row opens it (the link in the row stays the accessible path).
  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("tr[data-href]");
    if (!row || e.target.closest("a, button, input, select, label")) return;
    window.location = row.getAttribute("data-href");
  });

  // Mark the current section in the sidebar.
  var path = window.location.pathname;
  document.querySelectorAll("[data-nav]").forEach(function (a) {
    if (path.indexOf(new URL(a.href).pathname) === 0) a.setAttribute("aria-current", "page");
  });

  // The queue's "select all" box ticks every row of the page for a bulk change.
  document.addEventListener("change", function (e) {
    if (!e.target.matches || !e.target.matches("[data-select-all]")) return;
    document.querySelectorAll('input[name="ids"][form="bulk-form"]').forEach(function (box) {
      box.checked = e.target.checked;
    });
  });

  // "Save view" saves the filters shown now: htmx may have changed them since the page
  // loaded, and the address bar has followed.
  document.addEventListener("submit", function (e) {
    if (!e.target.matches || !e.target.matches("[data-save-view]")) return;
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    e.target.querySelector('input[name="query"]').value = params.toString();
  });

  // The ticket page's heartbeat says whether a reply is being written in it.
  document.addEventListener("htmx:configRequest", function (e) {
    if (!e.target.matches || !e.target.matches("[data-presence-beat]")) return;
    var body = document.querySelector("form[data-reply] textarea[name=body]");
    e.detail.parameters.replying = body && body.value.trim() ? "1" : "0";
  });
})();
