// Under a long text with a length limit (maxlength, marked data-char-count by the form), how many characters are
// left, counting down as one types. The words come translated from the server, with %(count)s for the number.
// Rows a formset adds later announce themselves with "formset:row-added" (formset.js).
(function () {
  function countIn(root) {
    root.querySelectorAll("[data-char-count][maxlength]").forEach(function (field) {
      var limit = parseInt(field.getAttribute("maxlength"), 10);
      var note = document.createElement("div");
      note.className = "form-text";
      note.id = field.id + "_count";
      note.dataset.testid = "char-count";
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", described ? described + " " + note.id : note.id);
      field.insertAdjacentElement("afterend", note);
      function show() {
        note.textContent = field.dataset.charCount.replace("%(count)s", String(limit - field.value.length));
      }
      field.addEventListener("input", show);
      show();
    });
  }
  countIn(document);
  document.addEventListener("formset:row-added", function (event) {
    countIn(event.target);
  });
})();
