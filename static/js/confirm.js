// Confirmation before an irreversible action: a form, or its submit button, with data-confirm="<question>" is sent
// only when the user accepts the question; a dismissed one sends nothing. A script file rather than an onsubmit
// attribute, because the Content-Security-Policy refuses inline handlers.
(function () {
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
