/* An inspector's items from the keyboard, as in the review queue: j/k move, 1-4 grade,
   c comment, a save, f finding. Typing in a field keeps its keys; Escape leaves it. */
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  var current = rows.findIndex(function (r) { return r.classList.contains("is-selected"); });
  var form = document.getElementById("score-form");

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

  function focus(id) {
    var field = document.getElementById(id);
    if (field) field.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" && event.target.type !== "radio" || tag === "textarea" || tag === "select") {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var key = event.key;
    if (key === "j") { go(1); }
    else if (key === "k") { go(-1); }
    else if (form && /^[1-4]$/.test(key)) {
      var radio = document.getElementById("grade-" + "ABCD"[Number(key) - 1]);
      if (radio) { radio.checked = true; radio.focus(); } else { focus("id_score"); }
    }
    else if (form && key === "c") { focus("id_comment"); }
    else if (form && key === "a") { document.getElementById("btn-save").click(); }
    else if (key === "f") { focus("id_finding"); }
    else { return; }
    event.preventDefault();
  });
})();
