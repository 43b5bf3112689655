// The county indicator form (indicator_county_edit.html): shows the inputs of
// the chosen source and aggregation only, and when the source, ledger, org
// table or aggregation changes asks the server for the fields they allow (the
// form's 按所选来源更新可选字段 button, which works without this script).
(function () {
  'use strict';
  var form = document.getElementById('county-form');
  if (!form) return;
  var agg = form.querySelector('[name="agg"]');
  var source = form.querySelector('[name="source"]');

  function toggle() {
    var ratio = agg.value === 'ratio';
    form.querySelectorAll('[data-ratio]').forEach(function (el) { el.hidden = !ratio; });
    form.querySelectorAll('[data-not-ratio]').forEach(function (el) { el.hidden = ratio; });
    form.querySelectorAll('[data-for-source]').forEach(function (el) {
      el.hidden = source.value !== el.getAttribute('data-for-source');
    });
    var conds = form.querySelector('fieldset.conds');
    if (conds && !ratio) conds.hidden = source.value === 'dept';
  }

  var refresh = form.querySelector('[data-refresh-button]');
  if (refresh) refresh.closest('p').hidden = true;
  form.querySelectorAll('[data-refresh]').forEach(function (el) {
    el.addEventListener('change', function () {
      toggle();
      if (refresh) refresh.click();
    });
  });
  toggle();
})();
