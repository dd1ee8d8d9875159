/* Desk: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function focusForm(key) {
    var form = document.querySelector('form[data-shortcut="' + key + '"]');
    if (!form) return false;
    form.closest("section").scrollIntoView({ block: "nearest" });
    // Accept: the fields are prefilled, so land on the button; the others need input first.
    var target = key === "a" ? form.querySelector("[data-submit]")
      : form.querySelector('input[type=radio], input:not([type=hidden]), textarea, select');
    if (target) target.focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var el = document.activeElement;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && el && el.form) {
      event.preventDefault();
      el.form.requestSubmit();
      return;
    }
    if (event.key === "Escape" && typing(el)) { el.blur(); return; }
    if (typing(el) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") {
      var search = document.querySelector("[data-search]");
      event.preventDefault();
      if (search) { search.focus(); } else { window.location = "/desk/claims/"; }
      return;
    }
    if (event.key === "?") {
      var help = document.querySelector(".shortcuts");
      if (help) { help.classList.toggle("shortcuts--open"); help.scrollIntoView({ block: "nearest" }); }
      return;
    }
    if (focusForm(event.key)) { event.preventDefault(); return; }
    var link = document.querySelector('[data-key="' + event.key + '"]');
    if (link) { event.preventDefault(); link.click(); }
  });

  // Report progress: poll until the article is read, then reload to show its candidates.
  var progress = document.querySelector("[data-progress-url]");
  if (progress && progress.getAttribute("data-pending") === "1") {
    var status = progress.querySelector(".progress__status");
    var delay = 1000;
    var poll = function () {
      fetch(progress.getAttribute("data-progress-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (data) {
          if (data.redirect) { window.location = data.redirect; return; }
          data.steps.forEach(function (step) {
            var li = progress.querySelector('[data-state="' + step.state + '"]');
            if (!li) return;
            li.classList.toggle("step--done", step.done);
            li.classList.toggle("step--current", step.current);
          });
          if (!data.pending) { window.location.reload(); return; }
          status.textContent = data.label + "… " + (data.error ? data.error + " " : "") + "this page updates by itself.";
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          status.textContent = "Lost contact with the server; retrying…";
          window.setTimeout(poll, 5000);
        });
    };
    window.setTimeout(poll, delay);
  }
})();

/* Phones show each table row as a card; give every cell its column's heading to show there. */
(function () {
  "use strict";
  document.querySelectorAll("table.table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
      });
    });
  });
})();

/* Unsaved text: leaving the page (a link, Log out, closing the tab) with typed, unsaved text asks
   first. Saving the form that holds the text does not ask; a search box never counts. */
(function () {
  "use strict";
  var dirty = new Set();
  function watched(el) {
    var form = el && el.form;
    if (!form || (form.method || "").toLowerCase() !== "post") return null;
    if (el.type === "search" || el.type === "hidden" || el.type === "password") return null;
    return form;
  }
  document.addEventListener("input", function (event) {
    var form = watched(event.target);
    if (form) dirty.add(form);
  });
  document.addEventListener("submit", function (event) { dirty.delete(event.target); });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty.size) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to ask
  });
})();

/* Name fields (claimant, speaker, affiliation): suggestions fetched as the editor types, so no page lists every
   claimant. Without this file the field still takes a name, an alias or a number. */
(function () {
  "use strict";
  var timers = new WeakMap();
  document.addEventListener("input", function (event) {
    var input = event.target;
    var url = input && input.getAttribute && input.getAttribute("data-lookup");
    var list = url && document.getElementById(input.getAttribute("list"));
    if (!list) return;
    window.clearTimeout(timers.get(input));
    timers.set(input, window.setTimeout(function () {
      var query = input.value.trim();
      if (!query || /#\d+$/.test(query)) return;  // empty, or a suggestion just picked
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (data) {
          list.replaceChildren.apply(list, data.results.map(function (row) {
            var option = document.createElement("option");
            option.value = row.value;
            if (row.label) option.label = row.label;
            return option;
          }));
        })
        .catch(function () { /* the field still takes a typed name */ });
    }, 150));
  });
})();
