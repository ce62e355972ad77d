// Progressive enhancement for formsets: an "add a row" button that copies the empty row the server rendered.
// Without JavaScript the formset still works: it always shows one blank row, and saving adds another.
document.querySelectorAll("[data-formset]").forEach(function (container) {
  var prefix = container.dataset.formset;
  var total = container.querySelector("#id_" + prefix + "-TOTAL_FORMS");
  var template = container.querySelector("template[data-empty-row]");
  var button = container.querySelector("[data-add-row]");
  if (!total || !template || !button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    button.insertAdjacentHTML("beforebegin", html);
    total.value = String(index + 1);
    // Scripts that dress fields (char-count.js) do so for the new row too.
    button.previousElementSibling.dispatchEvent(new CustomEvent("formset:row-added", { bubbles: true }));
  });
});
