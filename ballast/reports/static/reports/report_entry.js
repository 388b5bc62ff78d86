/* The report entry form: year-to-date and since-start sums follow what the clerk types.
   Amounts are shown only; the server computes every figure that is kept. */
(function () {
  "use strict";
  var input = document.getElementById("id_investment");
  var source = document.getElementById("sums-data");
  if (!input || !source) { return; }
  var sums = JSON.parse(source.textContent);
  // Work in hundredths (fen of 万元) as integers so the display never shows float noise.
  var cents = function (text) {
    var match = /^\s*(\d*)(?:\.(\d{0,2}))?\d*\s*$/.exec(text || "");
    if (!match || (match[1] === "" && !match[2])) { return null; }
    return Number(match[1] || "0") * 100 + Number(((match[2] || "") + "00").slice(0, 2));
  };
  var show = function (c) {
    if (c === null) { return "—"; }
    var whole = Math.floor(c / 100), frac = String(c % 100).padStart(2, "0");
    return whole.toLocaleString("zh-CN") + "." + frac;
  };
  var share = function (part, whole) {
    if (part === null || !whole) { return "—"; }
    return (part * 100 / whole).toFixed(1) + "%";
  };
  var update = function () {
    var typed = cents(input.value);
    var month = typed === null ? 0 : typed;
    var ytd = cents(sums.year_before) + month;
    var total = cents(sums.since_start_before) + month;
    document.getElementById("sum-ytd").textContent = show(ytd);
    document.getElementById("sum-total").textContent = show(total);
    document.getElementById("sum-ytd-share").textContent = share(ytd, cents(sums.plan_investment));
    document.getElementById("sum-total-share").textContent = share(total, cents(sums.total_investment));
    // The rule the server applies (reports/rules.py): every other accepted month plus this one.
    var overall = cents(sums.since_start_others) + month;
    document.getElementById("sum-warning").hidden = !(cents(sums.total_investment) && overall > cents(sums.total_investment));
  };
  input.addEventListener("input", update);
  update();
})();
