/* Audit scan page: record sightings one after another without leaving the page.
 * - the text field takes a keyboard-wedge scanner or typing (Enter sends);
 * - a photo of the label is sent as soon as it is taken (decoded on the server);
 * - where the browser has the BarcodeDetector API, the camera reads codes live.
 * Without this script the form still works: normal POST, then back to the page. */
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var code = form.elements.code, method = form.elements.method, photo = form.elements.photo;
  var status = document.getElementById("scan-status");
  var recent = document.getElementById("recent");
  var seen = document.getElementById("seen-count");
  var busy = false;

  function show(results) {
    status.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      // A discrepancy (seen at another site than registered) is recorded but asks for a decision.
      li.className = !r.ok ? "msg-error" : (r.discrepancy ? "msg-warning" : "msg-success");
      li.textContent = r.message + (r.warning ? " " + r.warning : "");
      status.appendChild(li);
      if (r.ok && r.tag && recent) {
        var item = document.createElement("li");
        item.textContent = r.tag + (r.site ? " — " + r.site : "");
        recent.insertBefore(item, recent.firstChild);
      }
    });
  }

  function send(how) {
    if (busy) { return; }
    busy = true;
    method.value = how;
    fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      show(answer.results || []);
      if (seen && answer.seen !== undefined) { seen.textContent = answer.seen; }
    }).catch(function () {
      show([{ ok: false, message: form.getAttribute("data-offline") }]);
    }).then(function () {
      busy = false;
      code.value = "";
      if (photo) { photo.value = ""; }
      code.focus();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(photo && photo.files.length && !code.value ? "photo" : "keyboard");
  });
  if (photo) {
    photo.addEventListener("change", function () {
      if (photo.files.length) { code.value = ""; send("photo"); }
    });
  }

  var box = document.getElementById("camera");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  box.hidden = false;
  var start = document.getElementById("camera-start");
  var video = document.getElementById("camera-video");
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var last = "", lastAt = 0;

  function tick() {
    detector.detect(video).then(function (codes) {
      var now = Date.now();
      var value = codes.length ? codes[0].rawValue : "";
      // The same label stays in view: read it once, again only after a pause.
      if (value && !busy && (value !== last || now - lastAt > 4000)) {
        last = value;
        lastAt = now;
        code.value = value;
        send("camera");
      }
    }).catch(function () { /* a frame that could not be read */ }).then(function () {
      window.setTimeout(tick, 250);
    });
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        return video.play();
      })
      .then(tick)
      .catch(function () { show([{ ok: false, message: box.getAttribute("data-denied") }]); });
  });
}());
