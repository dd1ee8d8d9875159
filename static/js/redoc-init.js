// Starts Redoc from the settings templates/drf_spectacular/redoc.html puts in a JSON data block
// (the Content-Security-Policy forbids the inline script upstream's template uses).
(function () {
  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(document.getElementById("redoc-settings").textContent);
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
