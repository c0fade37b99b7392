// Progressive enhancement of the public rating form: a live character count.
(function () {
  "use strict";
  var area = document.getElementById("id_comment");
  var counter = document.querySelector(".char-count");
  if (!area || !counter) { return; }
  var max = parseInt(area.getAttribute("maxlength"), 10) || 500;
  function update() { counter.textContent = "（" + area.value.length + "/" + max + "）"; }
  area.addEventListener("input", update);
  update();
})();
