// Progress of the "issue to all" job: polls its JSON while it runs, then reloads the page once.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("tien-do");
  if (!box || box.getAttribute("data-running") !== "1") return;
  var bar = document.getElementById("job-bar");
  var text = document.getElementById("job-text");
  var button = document.getElementById("issue-all");
  if (button) button.disabled = true;
  function poll() {
    fetch(box.getAttribute("data-job-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        var job = data && data.job;
        if (!job) return;
        bar.max = Math.max(job.total, 1);
        bar.value = job.done;
        bar.textContent = job.done + "/" + job.total;
        text.textContent = box.getAttribute("data-progress").replace("{done}", job.done).replace("{total}", job.total);
        if (job.running) setTimeout(poll, 800);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
});
