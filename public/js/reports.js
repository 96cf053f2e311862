// Report pages: the period picker shows the date fields only for a custom range. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-period-form]").forEach(function (form) {
    var part = form.querySelector("[data-period-part]");
    var ranges = form.querySelectorAll(".period-range");
    var year = form.querySelector("select[name=year]");
    function update() {
      var custom = part.value === "range";
      ranges.forEach(function (el) { el.classList.toggle("is-hidden", !custom); });
      if (year) year.closest(".field").classList.toggle("is-hidden", custom);
    }
    part.addEventListener("change", update);
    update();
  });
});
