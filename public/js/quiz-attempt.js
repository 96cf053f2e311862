// Quiz attempt page: autosave each answer as it changes, keep unsaved answers across a reload or a lost
// connection (localStorage, re-sent when possible), and count down to the server's deadline. The page
// works without this file too: "Lưu bài" and "Nộp bài" are plain form submits.
(function () {
  "use strict";
  var form = document.getElementById("quiz-attempt");
  var bar = document.getElementById("quiz-bar");
  if (!form || !bar) return;
  var statusEl = document.getElementById("quiz-save-status");
  var countdownEl = document.getElementById("quiz-countdown");
  var csrf = form.querySelector('input[name="_csrf"]').value;
  var saveUrl = form.getAttribute("data-save-url");
  var storageKey = "taphuan.attempt." + form.getAttribute("data-attempt");
  var msg = function (name) { return bar.getAttribute("data-msg-" + name) || ""; };
  var pending = {};
  // What the server holds for each question, so an unchanged answer (a blur after typing) is not sent again.
  var stored = {};
  var inflight = false;
  var again = false;
  var retryTimer = null;
  var finished = false;

  function showStatus(text, bad) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = "quiz-save-status" + (bad ? " bad" : "");
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function persist() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storageKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storageKey);
    } catch (e) { /* private mode: the DOM still holds the answers */ }
  }

  // The current answer of one question: display positions (choices) or the typed text.
  function valueOf(box) {
    if (box.getAttribute("data-kind") === "short") {
      var input = box.querySelector("input[type=text], input:not([type])");
      return input ? input.value : "";
    }
    var picked = [];
    box.querySelectorAll("input:checked").forEach(function (el) { picked.push(Number(el.value)); });
    return picked;
  }

  // Puts a value kept from before a reload back into the form.
  function apply(box, value) {
    if (box.getAttribute("data-kind") === "short") {
      var input = box.querySelector("input[type=text], input:not([type])");
      if (input && typeof value === "string") input.value = value;
      return;
    }
    if (!Array.isArray(value)) return;
    box.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (el) {
      el.checked = value.indexOf(Number(el.value)) >= 0;
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function flush() {
    if (finished) return;
    if (inflight) { again = true; return; }
    var keys = Object.keys(pending);
    if (!keys.length) return;
    var batch = {};
    keys.forEach(function (k) { batch[k] = pending[k]; });
    inflight = true;
    showStatus(msg("saving"), false);
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ answers: batch })
    }).then(function (res) {
      if (res.status === 409) {
        // The attempt is over (time up): the server shows the result.
        pending = {};
        persist();
        finished = true;
        window.location.reload();
        return;
      }
      if (!res.ok) throw new Error("HTTP " + res.status);
      keys.forEach(function (k) {
        stored[k] = batch[k];
        if (same(pending[k], batch[k])) delete pending[k];
      });
      persist();
      showStatus(msg("saved"), false);
    }).catch(function () {
      showStatus(msg("failed"), true);
      if (!retryTimer) retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, 5000);
    }).then(function () {
      inflight = false;
      if (again) { again = false; flush(); }
    });
  }

  function queue(box) {
    var qid = box.getAttribute("data-question");
    var value = valueOf(box);
    if (!(qid in pending) && same(stored[qid], value)) return;
    pending[qid] = value;
    persist();
    flush();
  }

  var typing = null;
  form.addEventListener("change", function (ev) {
    var box = ev.target.closest("[data-question]");
    if (box) queue(box);
  });
  form.addEventListener("input", function (ev) {
    var box = ev.target.closest("[data-question]");
    if (!box || box.getAttribute("data-kind") !== "short") return;
    window.clearTimeout(typing);
    typing = window.setTimeout(function () { queue(box); }, 800);
  });
  form.addEventListener("submit", function () {
    finished = true;
    pending = {};
    persist();
  });
  window.addEventListener("online", flush);

  // The page shows what the server holds; answers changed but not yet saved before a reload come back and are sent again.
  form.querySelectorAll("[data-question]").forEach(function (box) { stored[box.getAttribute("data-question")] = valueOf(box); });
  var kept = load();
  Object.keys(kept).forEach(function (qid) {
    var box = form.querySelector('[data-question="' + qid + '"]');
    if (!box) return;
    apply(box, kept[qid]);
    pending[qid] = kept[qid];
  });
  flush();

  // Countdown from the server's deadline, corrected for the difference between the two clocks.
  var deadline = Date.parse(bar.getAttribute("data-deadline") || "");
  if (countdownEl && !isNaN(deadline)) {
    var skew = Date.parse(bar.getAttribute("data-server-now")) - Date.now();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var left = Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
      var h = Math.floor(left / 3600);
      var m = Math.floor((left % 3600) / 60);
      countdownEl.textContent = (h ? h + ":" : "") + pad(m) + ":" + pad(left % 60);
      if (left <= 60) bar.classList.add("urgent");
      if (left === 0 && !finished) {
        finished = true;
        showStatus(msg("timeup"), true);
        // The whole form goes with the submission; the server still accepts it for 30 s of grace and
        // records it as "time up" (timeup=1), not as a hand-in.
        var flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "timeup";
        flag.value = "1";
        form.appendChild(flag);
        form.submit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
