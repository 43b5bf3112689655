// The assessment scheme form (assess_edit.html): shows each item's parameters
// for its rule and measure only, and keeps the weights' sum up to date. Without
// it every parameter shows and the sum is the server's.
(function () {
  'use strict';
  var form = document.getElementById('scheme-form');
  if (!form) return;

  function toggle(item) {
    var kind = item.querySelector('[data-kind]');
    var measure = item.querySelector('[data-measure]');
    item.querySelectorAll('[data-for-kind]').forEach(function (el) {
      el.hidden = kind.value !== el.getAttribute('data-for-kind');
    });
    item.querySelectorAll('[data-for-measure]').forEach(function (el) {
      el.hidden = measure.value !== el.getAttribute('data-for-measure');
    });
  }

  function sum() {
    var total = 0;
    form.querySelectorAll('[data-item]').forEach(function (item) {
      var rm = item.querySelector('input[name$=".remove"]');
      var w = parseFloat(item.querySelector('[data-weight]').value);
      if (!(rm && rm.checked) && !isNaN(w)) total += w;
    });
    total = Math.round(total * 1e6) / 1e6;
    var base = parseFloat(form.querySelector('[data-base]').value);
    var ok = !isNaN(base) && base > 0 && total === base;
    var box = form.querySelector('[data-sum]');
    box.querySelector('[data-sum-value]').textContent = String(total);
    box.querySelector('[data-base-value]').textContent = isNaN(base) ? '—' : String(base);
    box.querySelector('[data-sum-state]').textContent = ok ? '一致' : '不一致，保存前请调整';
    box.classList.toggle('bad', !ok);
  }

  form.querySelectorAll('[data-item]').forEach(function (item) {
    toggle(item);
    item.addEventListener('change', function () { toggle(item); });
  });
  form.addEventListener('input', sum);
  form.addEventListener('change', sum);
})();
