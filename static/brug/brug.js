// Small enhancements on top of server-rendered pages. Everything works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // After a form fragment comes back, move focus to its first error, or keep it on the form.
  var target = event.detail.target;
  // With an outerHTML swap the old target is gone: look up its replacement by id.
  if (!target.isConnected && target.id) { target = document.getElementById(target.id) || target; }
  var error = target.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (error) { error.focus(); return; }
  var status = target.querySelector("[data-focus-after-swap]");
  if (status) { status.focus(); }
});
// A form sent back with errors opens on its error summary, so the reader hears what to fix first.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
// Search-and-pick multi-selects: a search sends what is chosen now (not what the page was rendered with), so
// earlier choices stay; a plain click adds or removes one option instead of replacing the whole choice.
document.addEventListener("htmx:configRequest", function (event) {
  var box = event.detail.elt.closest && event.detail.elt.closest(".search-select");
  var select = box && box.querySelector("select");
  if (!select) { return; }
  event.detail.parameters.chosen = Array.from(select.selectedOptions).map(function (o) { return o.value; }).filter(Boolean).join(",");
});
document.addEventListener("mousedown", function (event) {
  var option = event.target;
  if (option.tagName !== "OPTION") { return; }
  var select = option.closest("select");
  if (!select || !select.multiple || !select.closest(".search-select") || event.shiftKey || event.ctrlKey || event.metaKey) { return; }
  event.preventDefault();
  option.selected = !option.selected;
  select.focus();
  select.dispatchEvent(new Event("change", { bubbles: true }));
});
