// The cockpit's charts and map (docs/cockpit.md). No inline script: the page
// names its JSON endpoints in data attributes and this file draws from them.
// - [data-trend]: new and resolved cases per month by kind, two stacked bar
//   charts (ECharts); a click on a new-cases bar opens that month's cases.
// - #ck-map[data-map]: the grids as GeoJSON (Leaflet) on a plain background,
//   or on the tiles the settings name; coloured by open or overdue cases
//   ([data-metric] buttons); a click on a grid opens its cases.
// Without ECharts or Leaflet (assets not built) the data shows as tables.
(function () {
  'use strict';

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          throw new Error((b.error && b.error.message) || ('HTTP ' + r.status));
        });
      }
      return r.json();
    });
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fail(box, err) {
    box.textContent = '';
    box.appendChild(el('p', { class: 'alert error' }, '加载失败：' + err.message));
  }

  // casesURL is the case list under a region with filters.
  function casesURL(under, params) {
    var q = new URLSearchParams({ under: under });
    Object.keys(params).forEach(function (k) { q.set(k, params[k]); });
    return '/cases?' + q.toString();
  }

  var palette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'];

  function trend(box) {
    var under = box.getAttribute('data-under');
    getJSON(box.getAttribute('data-trend')).then(function (t) {
      box.querySelectorAll('.ck-chart').forEach(function (chart) {
        var which = chart.getAttribute('data-series');
        var series = t.series.filter(function (s) { return s[which].some(function (n) { return n > 0; }); });
        chart.textContent = '';
        if (!window.echarts) {
          chart.appendChild(trendTable(t, series, which, chart.getAttribute('data-title')));
          return;
        }
        var c = window.echarts.init(chart);
        c.setOption({
          color: palette,
          title: { text: chart.getAttribute('data-title'), left: 0, textStyle: { fontSize: 14 } },
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          legend: { top: 22, type: 'scroll' },
          grid: { left: 40, right: 12, top: 60, bottom: 28 },
          xAxis: { type: 'category', data: t.months },
          yAxis: { type: 'value', minInterval: 1 },
          series: series.map(function (s) {
            return { name: s.label, type: 'bar', stack: 'all', data: s[which], kind: s.kind, cursor: which === 'new' ? 'pointer' : 'default' };
          })
        });
        if (which === 'new') {
          c.on('click', function (p) {
            var s = series[p.seriesIndex];
            if (!s) return;
            location.href = casesURL(under, { kind: s.kind, reported_from: t.month_from[p.dataIndex], reported_to: t.month_to[p.dataIndex] });
          });
        }
        window.addEventListener('resize', function () { c.resize(); });
      });
    }).catch(function (err) { fail(box, err); });
  }

  // trendTable shows the counts without ECharts.
  function trendTable(t, series, which, title) {
    var table = el('table', { class: 'grid' });
    table.appendChild(el('caption', {}, title));
    var head = el('tr');
    head.appendChild(el('th', {}, '类别'));
    t.months.forEach(function (m) { head.appendChild(el('th', { class: 'num' }, m)); });
    table.appendChild(el('thead')).appendChild(head);
    var body = table.appendChild(el('tbody'));
    series.forEach(function (s) {
      var tr = body.appendChild(el('tr'));
      tr.appendChild(el('td', {}, s.label));
      s[which].forEach(function (n) { tr.appendChild(el('td', { class: 'num' }, String(n))); });
    });
    return table;
  }

  // The map's colour classes: none, then light to dark red by share of the maximum.
  var scale = ['#edf3ea', '#fde9b8', '#f9c27a', '#f08c55', '#d9534f', '#a52a2a'];

  function colour(n, max) {
    if (!n) return scale[0];
    if (max <= 1) return scale[scale.length - 1];
    return scale[1 + Math.min(scale.length - 2, Math.floor((n - 1) / max * (scale.length - 1)))];
  }

  function legend(box, max, label) {
    box.textContent = '';
    box.appendChild(el('span', {}, label + '：'));
    var steps = [[0, '0']];
    for (var i = 1; i < scale.length; i++) {
      var lo = Math.floor((i - 1) * max / (scale.length - 1)) + 1;
      var hi = Math.floor(i * max / (scale.length - 1));
      if (hi >= lo) steps.push([lo, lo === hi ? String(lo) : lo + '–' + hi]);
    }
    steps.forEach(function (s) {
      var item = box.appendChild(el('span', { class: 'ck-key' }));
      item.appendChild(el('i', { style: 'background:' + colour(s[0], max) }));
      item.appendChild(document.createTextNode(s[1]));
    });
  }

  function map(box) {
    var panel = box.closest('.ck-mapbox');
    var keys = panel.querySelector('.ck-legend');
    var buttons = panel.querySelectorAll('[data-metric]');
    var labels = { open: '在办事件', overdue: '超期事件' };
    var metric = 'open';
    getJSON(box.getAttribute('data-map') + '&metric=open').then(function (fc) {
      box.textContent = '';
      var max = { open: 0, overdue: 0 };
      fc.features.forEach(function (f) {
        max.open = Math.max(max.open, f.properties.open);
        max.overdue = Math.max(max.overdue, f.properties.overdue);
      });
      var drawn = fc.features.filter(function (f) { return f.geometry; });
      if (!window.L || drawn.length === 0) {
        box.classList.add('ck-map-list');
        box.appendChild(el('p', { class: 'hint' }, drawn.length === 0 ? '所选区域的网格没有边界数据，按列表显示。' : '地图组件未加载，按列表显示。'));
        var ul = box.appendChild(el('ul', { class: 'ck-list' }));
        fc.features.forEach(function (f) {
          var li = ul.appendChild(el('li'));
          li.appendChild(el('a', { href: f.properties.open_href }, f.properties.name + ' 在办 ' + f.properties.open));
          li.appendChild(document.createTextNode(' · '));
          li.appendChild(el('a', { href: f.properties.overdue_href }, '超期 ' + f.properties.overdue));
        });
        return;
      }
      var m = window.L.map(box, { attributionControl: !!fc.tile_url, zoomSnap: 0.25 });
      if (fc.tile_url) window.L.tileLayer(fc.tile_url, { maxZoom: 19 }).addTo(m);
      var layer = window.L.geoJSON({ type: 'FeatureCollection', features: drawn }, {
        style: function (f) {
          return { color: '#4a5568', weight: 0.6, fillOpacity: 0.85, fillColor: colour(f.properties[metric], max[metric]) };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var tip = el('span', {}, p.name + (p.village ? '（' + p.village + '）' : ''));
          tip.appendChild(el('br'));
          tip.appendChild(document.createTextNode('在办 ' + p.open + ' 件，超期 ' + p.overdue + ' 件'));
          l.bindTooltip(tip, { sticky: true });
          l.on('click', function () { location.href = metric === 'open' ? p.open_href : p.overdue_href; });
          l.on('mouseover', function () { l.setStyle({ weight: 2, color: '#1f5fa8' }); });
          l.on('mouseout', function () { layer.resetStyle(l); });
        }
      }).addTo(m);
      m.fitBounds(layer.getBounds(), { padding: [8, 8] });
      window.addEventListener('resize', function () { m.invalidateSize(); });
      function paint() {
        layer.setStyle(function (f) {
          return { color: '#4a5568', weight: 0.6, fillOpacity: 0.85, fillColor: colour(f.properties[metric], max[metric]) };
        });
        legend(keys, max[metric], labels[metric]);
        buttons.forEach(function (b) {
          var on = b.getAttribute('data-metric') === metric;
          b.classList.toggle('on', on);
          b.setAttribute('aria-pressed', on ? 'true' : 'false');
        });
      }
      buttons.forEach(function (b) {
        b.addEventListener('click', function () {
          metric = b.getAttribute('data-metric');
          paint();
        });
      });
      paint();
    }).catch(function (err) { fail(box, err); });
  }

  document.querySelectorAll('[data-trend]').forEach(trend);
  var box = document.getElementById('ck-map');
  if (box && box.hasAttribute('data-map')) map(box);
})();
