/* The ballot's live counter (issue 14): as boxes are ticked, each category says how much money or
   how many places are left. The sentences and figures come from the page (data-*), so the text stays
   translated and the server's rules stay the only rules: casting still checks everything. Without
   JavaScript the "recalculate" button asks the server for the same figures; with it that button is
   not needed and is hidden. */
(function () {
  "use strict";
  function money(kopiykas) {
    var whole = Math.floor(kopiykas / 100), cents = kopiykas % 100;
    var text = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    return cents ? text + "," + (cents < 10 ? "0" : "") + cents : text;
  }
  function update(fieldset, counter) {
    var boxes = fieldset.querySelectorAll("input[type=checkbox][data-cost]");
    var spent = 0, picked = 0;
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.checked) { spent += parseInt(box.getAttribute("data-cost"), 10) || 0; picked += 1; }
    });
    var knapsack = counter.getAttribute("data-knapsack") === "1";
    var left = knapsack ? parseInt(counter.getAttribute("data-budget"), 10) - spent
                        : parseInt(counter.getAttribute("data-max"), 10) - picked;
    var over = left < 0;
    var amount = Math.abs(left);
    var sentence = counter.getAttribute(over ? "data-over" : "data-left");
    var strong = document.createElement("strong");
    strong.textContent = sentence.replace("{n}", knapsack ? money(amount) : String(amount));
    counter.replaceChildren(strong);
    counter.classList.toggle("ballot-over", over);
  }
  Array.prototype.forEach.call(document.querySelectorAll("fieldset"), function (fieldset) {
    var counter = fieldset.querySelector(".ballot-left[data-left]");
    if (!counter) { return; }
    fieldset.addEventListener("change", function () { update(fieldset, counter); });
    update(fieldset, counter);
  });
  Array.prototype.forEach.call(document.querySelectorAll(".ballot-recalculate"), function (el) {
    el.hidden = true;
  });
})();
