// A progress bar's width comes from data-progress-width (a percentage the server computed). The
// Content-Security-Policy refuses style attributes, not a style set from a script; the page prints the same figures.
(function () {
  document.querySelectorAll("[data-progress-width]").forEach(function (bar) {
    bar.style.width = bar.dataset.progressWidth + "%";
  });
})();
