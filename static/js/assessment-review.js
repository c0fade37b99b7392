/* The review queue from the keyboard: j/k move, 1-4 grade, a accept, r return, x tick. */
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  var current = rows.findIndex(function (r) { return r.classList.contains("is-selected"); });
  var form = document.getElementById("review-form");

  rows.forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a, input, label, button")) return;
      window.location.href = row.dataset.href;
    });
  });
  if (current >= 0) rows[current].scrollIntoView({ block: "nearest" });

  function go(offset) {
    var next = current + offset;
    if (next >= 0 && next < rows.length) window.location.href = rows[next].dataset.href;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" && event.target.type !== "radio" && event.target.type !== "checkbox" ||
        tag === "textarea" || tag === "select") {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var key = event.key;
    if (key === "j") { go(1); }
    else if (key === "k") { go(-1); }
    else if (form && /^[1-4]$/.test(key)) {
      var radio = document.getElementById("grade-" + "ABCD"[Number(key) - 1]);
      if (radio) { radio.checked = true; radio.focus(); }
    }
    else if (form && key === "a") { document.getElementById("btn-accept").click(); }
    else if (form && key === "r" && document.getElementById("btn-return")) {
      var reason = form.elements.namedItem("comment");
      if (reason.value.trim()) { document.getElementById("btn-return").click(); }
      else { reason.focus(); reason.placeholder = "请写退回原因，然后点“退回”"; }
    }
    else if (key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
    }
    else { return; }
    event.preventDefault();
  });
})();
