// zhili layout behaviour. No inline scripts (the CSP allows only this site's files).
// - The region selector ([data-region-picker]) loads the tree below the user's own
//   region from /api/v1/regions one level at a time, and searches it by name.
//   Picking a region reloads the page with the region in its query parameter
//   (data-param), or opens /regions/{code} when the page takes none.
// - Tables (table.grid in main) get sortable headers and, when long enough, a
//   toolbar to filter the rows shown and to export them as CSV (Excel reads the
//   UTF-8 byte-order mark). Sorting and filtering act on the rows of this page;
//   the server pages the rest.
(function () {
  'use strict';

  var levelNames = ['市', '县', '乡镇', '村社区', '网格'];
  var gridLevel = 4;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function getJSON(url, done) {
    var x = new XMLHttpRequest();
    x.open('GET', url);
    x.setRequestHeader('Accept', 'application/json');
    x.onload = function () {
      if (x.status === 200) {
        try {
          done(JSON.parse(x.responseText));
          return;
        } catch (e) { /* fall through */ }
      }
      done(null);
    };
    x.onerror = function () { done(null); };
    x.send();
  }

  // regionPicker wires one selector.
  function regionPicker(box) {
    var btn = box.querySelector('.picker-btn');
    var pop = box.querySelector('.picker-pop');
    var search = box.querySelector('.picker-search');
    var rootLi = box.querySelector('.tree > li');
    var param = box.getAttribute('data-param');
    var loaded = false;

    function go(code) {
      if (param) {
        var u = new URL(window.location.href);
        u.searchParams.set(param, code);
        u.searchParams.delete('offset');
        window.location.assign(u.pathname + u.search);
      } else {
        window.location.assign('/regions/' + encodeURIComponent(code));
      }
    }

    function node(r) {
      var li = el('li');
      li.setAttribute('role', 'treeitem');
      li.setAttribute('data-code', r.code);
      li.setAttribute('data-level', r.level);
      var tw = el('button', 'twist' + (r.level >= gridLevel ? ' leaf' : ''), '▸');
      tw.type = 'button';
      tw.setAttribute('aria-label', '展开');
      var a = el('a', '', r.name);
      a.href = '#';
      a.setAttribute('data-pick', r.code);
      li.appendChild(tw);
      li.appendChild(a);
      li.appendChild(el('span', 'lvl', levelNames[r.level] || ''));
      return li;
    }

    function expand(li) {
      var ul = li.querySelector(':scope > ul');
      var tw = li.querySelector(':scope > .twist');
      if (ul) {
        var open = ul.hidden;
        ul.hidden = !open;
        li.setAttribute('aria-expanded', String(open));
        if (tw) {
          tw.textContent = open ? '▾' : '▸';
        }
        return;
      }
      ul = el('ul');
      ul.setAttribute('role', 'group');
      ul.appendChild(el('li', 'loading', '加载中…'));
      li.appendChild(ul);
      li.setAttribute('aria-expanded', 'true');
      if (tw) {
        tw.textContent = '▾';
      }
      fill(ul, '/api/v1/regions?limit=1000&parent=' + encodeURIComponent(li.getAttribute('data-code')));
    }

    function fill(ul, url) {
      getJSON(url, function (res) {
        ul.textContent = '';
        if (!res || !res.items) {
          ul.appendChild(el('li', 'none', '无法加载区划'));
          return;
        }
        if (res.items.length === 0) {
          ul.appendChild(el('li', 'none', '无下级区划'));
        }
        res.items.forEach(function (r) {
          ul.appendChild(node(r));
        });
      });
    }

    function open() {
      pop.hidden = false;
      btn.setAttribute('aria-expanded', 'true');
      if (!loaded) {
        loaded = true;
        var ul = rootLi.querySelector(':scope > ul');
        ul.appendChild(el('li', 'loading', '加载中…'));
        fill(ul, '/api/v1/regions?limit=1000&parent=' + encodeURIComponent(rootLi.getAttribute('data-code')));
      }
      search.focus();
    }

    function close() {
      pop.hidden = true;
      btn.setAttribute('aria-expanded', 'false');
    }

    btn.addEventListener('click', function () {
      if (pop.hidden) {
        open();
      } else {
        close();
      }
    });
    document.addEventListener('click', function (e) {
      if (!box.contains(e.target)) {
        close();
      }
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') {
        close();
      }
    });
    pop.addEventListener('click', function (e) {
      var t = e.target;
      if (t.classList.contains('twist')) {
        expand(t.parentNode);
      } else if (t.hasAttribute('data-pick')) {
        e.preventDefault();
        go(t.getAttribute('data-pick'));
      }
    });

    var timer = null;
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = search.value.trim();
        var ul = rootLi.querySelector(':scope > ul');
        if (q === '') {
          fill(ul, '/api/v1/regions?limit=1000&parent=' + encodeURIComponent(rootLi.getAttribute('data-code')));
          return;
        }
        fill(ul, '/api/v1/regions?limit=50&under=' + encodeURIComponent(rootLi.getAttribute('data-code')) + '&q=' + encodeURIComponent(q));
      }, 250);
    });
  }

  // cellText is what a cell sorts and exports by.
  function cellText(td) {
    return (td ? td.textContent : '').replace(/\s+/g, ' ').trim();
  }

  var collator = window.Intl ? new Intl.Collator('zh-CN', { numeric: true }) : null;

  function compare(a, b) {
    var x = parseFloat(a.replace(/,/g, '')), y = parseFloat(b.replace(/,/g, ''));
    if (/^-?[\d,.]+$/.test(a) && /^-?[\d,.]+$/.test(b) && !isNaN(x) && !isNaN(y)) {
      return x - y;
    }
    return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0);
  }

  function dataRows(table) {
    var body = table.tBodies[0];
    if (!body) {
      return [];
    }
    return Array.prototype.filter.call(body.rows, function (tr) {
      return !tr.querySelector('td.empty');
    });
  }

  function sortable(table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) {
      return;
    }
    Array.prototype.forEach.call(head.rows[0].cells, function (th, col) {
      if (th.colSpan > 1) {
        return;
      }
      th.classList.add('sortable');
      th.title = '点击排序';
      th.addEventListener('click', function () {
        var asc = !th.classList.contains('sort-asc');
        Array.prototype.forEach.call(head.rows[0].cells, function (o) {
          o.classList.remove('sort-asc', 'sort-desc');
        });
        th.classList.add(asc ? 'sort-asc' : 'sort-desc');
        var rows = dataRows(table);
        rows.sort(function (r1, r2) {
          var d = compare(cellText(r1.cells[col]), cellText(r2.cells[col]));
          return asc ? d : -d;
        });
        rows.forEach(function (tr) {
          tr.parentNode.appendChild(tr);
        });
      });
    });
  }

  function csvField(s) {
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function exportCSV(table) {
    var lines = [];
    var head = table.tHead ? [table.tHead.rows[0]] : [];
    head.concat(dataRows(table).filter(function (tr) { return !tr.hidden; })).forEach(function (tr) {
      lines.push(Array.prototype.map.call(tr.cells, function (c) { return csvField(cellText(c)); }).join(','));
    });
    var blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = (document.title.split(' · ')[0] || 'zhili') + '.csv';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 0);
  }

  function toolbar(table) {
    var rows = dataRows(table);
    var bar = el('div', 'table-tools');
    var count = el('span', 'count');
    var input = el('input');
    input.type = 'search';
    input.placeholder = '在本页中筛选';
    input.setAttribute('aria-label', '在本页中筛选');
    var btn = el('button', '', '导出 CSV');
    btn.type = 'button';
    bar.appendChild(count);
    bar.appendChild(input);
    bar.appendChild(btn);
    function show() {
      var q = input.value.trim().toLowerCase(), n = 0;
      rows.forEach(function (tr) {
        tr.hidden = q !== '' && cellText(tr).toLowerCase().indexOf(q) < 0;
        n += tr.hidden ? 0 : 1;
      });
      count.textContent = q === '' ? '本页 ' + rows.length + ' 行' : '筛出 ' + n + ' / ' + rows.length + ' 行';
    }
    input.addEventListener('input', show);
    btn.addEventListener('click', function () { exportCSV(table); });
    show();
    var at = table.parentNode.classList.contains('table-wrap') ? table.parentNode : table;
    at.parentNode.insertBefore(bar, at);
  }

  // wrap lets a wide table scroll sideways on its own instead of widening the page.
  function wrap(table) {
    if (table.parentNode.classList.contains('table-wrap')) {
      return;
    }
    var w = el('div', 'table-wrap');
    table.parentNode.insertBefore(w, table);
    w.appendChild(table);
  }

  // enhance decides what each table of the page gets. Tables that are forms
  // (inputs in the body) and fact sheets (.facts) stay as they are.
  function enhance(table) {
    wrap(table);
    if (table.classList.contains('facts') || table.classList.contains('plain') ||
        (table.tBodies[0] && table.tBodies[0].querySelector('input, select, textarea'))) {
      return;
    }
    var n = dataRows(table).length;
    if (n > 1) {
      sortable(table);
    }
    if (n >= 5 && !table.hasAttribute('data-no-tools')) {
      toolbar(table);
    }
  }

  function init() {
    document.querySelectorAll('[data-region-picker]').forEach(regionPicker);
    document.querySelectorAll('main table.grid').forEach(enhance);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
