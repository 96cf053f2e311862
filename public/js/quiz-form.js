// Question and quiz forms: show only the parts that apply to the chosen kind or mode.
// Without this file every part is shown, each with its own heading, and the server ignores the others.
(function () {
  "use strict";
  function toggle(select, attr) {
    var apply = function () {
      document.querySelectorAll("[" + attr + "]").forEach(function (el) {
        el.hidden = el.getAttribute(attr).split(" ").indexOf(select.value) < 0;
      });
    };
    select.addEventListener("change", apply);
    apply();
  }
  var kind = document.getElementById("quiz-kind");
  if (kind) toggle(kind, "data-kinds");
  var mode = document.getElementById("quiz-mode");
  if (mode) toggle(mode, "data-modes");
})();
