// The summary of a refused form: focused when the page opens, so that a screen reader reads it first; each of its
// links moves focus to its field with the field's label in view (an anchor alone scrolls, but leaves focus behind).
(function () {
  var summaries = document.querySelectorAll("[data-error-summary]");
  if (summaries.length) summaries[0].focus();
  summaries.forEach(function (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      event.preventDefault();
      var label = field.closest("fieldset") || document.querySelector("label[for='" + CSS.escape(field.id) + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  });
})();
