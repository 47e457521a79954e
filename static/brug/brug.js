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
