// Kiosk of QR check-in: polls the session's state every 2 s (and right when the QR rotates) and
// updates the QR, the 6-digit code, the count and the latest names without reloading the page.
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root) return;
  var url = root.getAttribute("data-state-url");
  var qr = document.getElementById("kiosk-qr");
  var code = document.getElementById("kiosk-code");
  var count = document.getElementById("kiosk-count");
  var latest = document.getElementById("kiosk-latest");
  var stateLine = document.getElementById("kiosk-state");
  var offline = document.getElementById("kiosk-offline");
  var fill = document.getElementById("kiosk-bar-fill");
  var POLL_MS = 2000;
  var WINDOW_MS = 15000;
  var timer = null;
  var rotateAt = 0;

  function msg(name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }

  function render(s) {
    if (s.qr) {
      if (qr.getAttribute("src") !== s.qr) qr.setAttribute("src", s.qr);
      qr.setAttribute("data-url", s.url);
      qr.hidden = false;
    } else {
      qr.hidden = true;
      qr.removeAttribute("src");
      qr.setAttribute("data-url", "");
    }
    code.textContent = s.code ? s.code.slice(0, 3) + " " + s.code.slice(3) : "— — —";
    count.textContent = msg("count", { n: s.count, total: s.total });
    stateLine.textContent = s.state === "open" ? msg("until", { t: s.closesAt }) : s.state === "before" ? msg("before", { t: s.opensAt }) : s.state === "after" ? msg("after", { t: s.closesAt }) : msg("cancelled");
    while (latest.firstChild) latest.removeChild(latest.firstChild);
    s.latest.forEach(function (p) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = p.name;
      var at = document.createElement("small");
      at.textContent = p.at;
      li.appendChild(name);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(at);
      latest.appendChild(li);
    });
    rotateAt = Date.now() + s.refreshInMs;
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (s) {
        offline.hidden = true;
        render(s);
        // Poll every 2 s, and just after the QR rotates so the screen never shows an old code for long.
        schedule(Math.max(200, Math.min(POLL_MS, s.refreshInMs + 100)));
      })
      .catch(function () {
        offline.hidden = false;
        schedule(POLL_MS * 2);
      });
  }

  // Progress bar: how long the current QR still shows.
  function tick() {
    if (fill && rotateAt) {
      var left = Math.max(0, rotateAt - Date.now());
      fill.style.width = (100 * left / WINDOW_MS).toFixed(1) + "%";
    }
    window.requestAnimationFrame(tick);
  }

  var fs = document.getElementById("kiosk-fullscreen");
  if (fs) {
    fs.addEventListener("click", function () {
      var el = document.documentElement;
      if (document.fullscreenElement) document.exitFullscreen();
      else if (el.requestFullscreen) el.requestFullscreen();
    });
  }

  poll();
  window.requestAnimationFrame(tick);
})();
