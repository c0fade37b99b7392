// Report jobs: size the progress bars, show only the target field a kind needs, and poll
// the JSON status endpoint while any job is queued or running.
(function () {
  "use strict";

  function setBar(row, percent) {
    var bar = row.querySelector(".progress-bar");
    var wrap = row.querySelector(".progress");
    if (bar) bar.style.width = percent + "%";
    if (wrap) wrap.setAttribute("aria-valuenow", percent);
  }

  document.querySelectorAll("#report-jobs tr[data-job]").forEach(function (row) {
    var bar = row.querySelector(".progress-bar");
    setBar(row, bar ? Number(bar.dataset.width || 0) : 0);
  });

  // Request form: the unit field for unit reports, the branch field for feedback sheets.
  var form = document.getElementById("report-request");
  if (form) {
    var kind = form.querySelector("select[name=kind]");
    var sync = function () {
      form.querySelectorAll(".report-target").forEach(function (box) {
        var select = box.querySelector("select");
        var wanted = (select.dataset.forKinds || "").split(",");
        var show = wanted.indexOf(kind.value) !== -1;
        box.hidden = !show;
        select.disabled = !show;
      });
    };
    kind.addEventListener("change", sync);
    sync();
  }

  var table = document.getElementById("report-jobs");
  if (!table) return;
  var url = table.dataset.statusUrl;
  var badgeClass = { queued: "badge-muted", running: "badge-info", done: "badge-ok", failed: "badge-bad" };
  var downloadLabel = document.getElementById("download-label").innerHTML;
  var retryLabel = document.getElementById("retry-label").innerHTML;
  var delay = 1500;

  function activeIds() {
    var ids = [];
    table.querySelectorAll("tr[data-job]").forEach(function (row) {
      var s = row.dataset.status;
      if (s === "queued" || s === "running") ids.push(row.dataset.job);
    });
    return ids;
  }

  function update(job) {
    var row = table.querySelector('tr[data-job="' + job.id + '"]');
    if (!row) return;
    row.dataset.status = job.status;
    var badge = row.querySelector(".job-status");
    badge.className = "badge job-status " + (badgeClass[job.status] || "badge-muted");
    badge.textContent = job.status_label;
    setBar(row, job.percent);
    row.querySelector(".job-count").textContent = job.done + " / " + job.total;
    var error = row.querySelector(".job-error");
    error.textContent = job.error || "";
    error.hidden = !job.error;
    var cell = row.querySelector(".job-file");
    if (job.download_url) {
      cell.innerHTML = "";
      var link = document.createElement("a");
      link.className = "btn btn-sm btn-outline-primary";
      link.href = job.download_url;
      link.innerHTML = downloadLabel;
      cell.appendChild(link);
    } else if (job.status === "failed") {
      cell.innerHTML = '<span class="text-muted small">' + retryLabel + "</span>";
    }
  }

  function poll() {
    var ids = activeIds();
    if (!ids.length) return;
    fetch(url + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { jobs: [] }; })
      .then(function (data) {
        data.jobs.forEach(update);
        delay = 1500;
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); })
      .then(function () { window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
})();
