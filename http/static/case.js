// zhili case pages. No inline scripts (the CSP allows only this site's files):
// - forms marked data-case-form show only the categories of the chosen kind;
// - buttons marked data-locate fill the form's lat/lng (WGS-84) from the device's
//   GPS, and data-auto ones do it as soon as the page loads (the phone page).
(function () {
  'use strict';

  function followKind(form) {
    var kind = form.querySelector('select[name=kind]');
    var cat = form.querySelector('select[name=category]');
    if (!kind || !cat) {
      return;
    }
    function apply() {
      var k = kind.value, keep = false;
      Array.prototype.forEach.call(cat.options, function (o) {
        if (!o.getAttribute('data-kind')) {
          return;
        }
        var show = k === '' || o.getAttribute('data-kind') === k;
        o.hidden = !show;
        o.disabled = !show;
        if (show && o.selected) {
          keep = true;
        }
      });
      if (!keep) {
        cat.value = '';
      }
    }
    kind.addEventListener('change', apply);
    apply();
  }

  function locator(btn) {
    var form = btn.form || btn.closest('form');
    var status = document.getElementById(btn.getAttribute('data-status'));
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function locate() {
      if (!navigator.geolocation) {
        say('此设备或浏览器不支持定位，请手动选择地点。');
        return;
      }
      say('正在定位…');
      navigator.geolocation.getCurrentPosition(function (p) {
        form.elements.lat.value = p.coords.latitude.toFixed(6);
        form.elements.lng.value = p.coords.longitude.toFixed(6);
        say('已定位：北纬 ' + p.coords.latitude.toFixed(5) + '，东经 ' + p.coords.longitude.toFixed(5) +
          '（精度约 ' + Math.round(p.coords.accuracy) + ' 米）');
      }, function (err) {
        say('定位失败（' + err.message + '），请手动选择地点后上报。');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
    btn.addEventListener('click', locate);
    if (btn.hasAttribute('data-auto') && !form.elements.lat.value) {
      locate();
    }
  }

  function init() {
    document.querySelectorAll('form[data-case-form]').forEach(followKind);
    document.querySelectorAll('button[data-locate]').forEach(locator);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
