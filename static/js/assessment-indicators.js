// Indicator editor: live sum of sibling weights on the reweight form.
(function () {
  "use strict";
  var form = document.getElementById("reweight-form");
  var out = document.getElementById("weight-sum");
  if (!form || !out) return;
  var inputs = form.querySelectorAll("input.weight-input");
  function update() {
    var cents = 0;
    inputs.forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) cents += Math.round(value * 100);
    });
    out.textContent = (cents / 100).toFixed(2);
    out.classList.toggle("ok", cents === 10000);
    out.classList.toggle("bad", cents !== 10000);
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
