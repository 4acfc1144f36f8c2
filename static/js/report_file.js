// Polls a report file's status until it is done or failed (no inline script: CSP).
(function () {
  var box = document.getElementById("report-file");
  if (!box) { return; }
  var labels = {queued: box.dataset.labelQueued, running: box.dataset.labelRunning, done: box.dataset.labelDone, failed: box.dataset.labelFailed};
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        document.getElementById("progress").value = data.progress;
        document.getElementById("state").textContent = labels[data.status] || data.status;
        document.getElementById("error").textContent = data.error || "";
        if (data.download_url) {
          var link = document.getElementById("download");
          link.href = data.download_url; link.hidden = false;
        } else if (data.status !== "failed") {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (box.dataset.poll === "1") { poll(); }
})();
