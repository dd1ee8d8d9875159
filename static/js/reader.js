// Progressive touches for the reader pages; every page works without this file.
(function () {
  "use strict";
  var form = document.getElementById("claim-filters");
  if (form) {
    // Menus apply as soon as they change; the Apply button stays for keyboard and no-JS use.
    form.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    });
    // Empty fields stay out of the address, so shared links read cleanly.
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && !field.value) { field.disabled = true; }
      });
      window.setTimeout(function () {
        form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
      }, 0);
    });
  }
  // Wide screens show the filters whatever the <details> says (CSS does it where ::details-content
  // is known); a phone keeps them folded until asked.
  var more = document.querySelector(".filters__more");
  if (more && window.matchMedia("(min-width: 60rem)").matches) { more.open = true; }
  // "/" jumps to the search box, as on most news sites.
  var search = document.getElementById("id_q");
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key === "/" && search && tag !== "input" && tag !== "textarea" && tag !== "select") {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
})();
