/* tests/html_browser/probe.js — run by tests/html_browser.sh inside report.html in headless
 * Chromium (appended to a copy of the page, after the page's own script): it drives the page
 * as a reader would (types into the filter, clicks the column headings, the verdict buttons
 * and the rule links, opens every section) and writes one line per check, "ok NAME" or
 * "not ok NAME # detail", into a pre element (id probe-out) at the end of the body, which the
 * test reads from the DOM that Chromium dumps. Plain ES5, no timers: every step of the page it drives is synchronous. */
(function () {
  var out = [], d = document;
  function ok(c, name, detail) {
    out.push((c ? 'ok ' : 'not ok ') + name + (detail !== undefined ? ' # ' + detail : ''));
  }
  function arr(x) { return Array.prototype.slice.call(x); }
  function count(cls) {
    var s = d.querySelector('header .counts span.' + cls);
    return s ? +s.textContent.replace(/[^0-9]/g, '') : -1;
  }
  function has(el, text) { return el.textContent.toLowerCase().indexOf(text) >= 0; }
  try {
    var table = d.querySelector('table.cases.head'); /* the heading; the rows in blocks below */
    function bodyRows() { return arr(d.querySelectorAll('div.rows tbody tr')); }
    var rows = bodyRows();
    var nfail = count('fail'), nerr = count('error'), nwarn = count('warn');

    /* the failures first: one section per FAIL and ERROR, then per WARN, before the rest */
    var det = arr(d.querySelectorAll('details.case'));
    var kinds = det.map(function (x) {
      return x.classList.contains('fail') ? 'F' : x.classList.contains('error') ? 'E'
        : x.classList.contains('warn') ? 'W' : '?';
    }).join('');
    ok(nfail > 0 && /^[FE]+W*$/.test(kinds) && det.length === nfail + nerr + nwarn,
       'failures: a section per FAIL and ERROR, then per WARN', kinds.length + ' of ' + (nfail + nerr + nwarn));
    var chart0 = d.querySelector('.chart');
    ok(det.length > 0 && table && chart0 &&
       (det[0].compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) &&
       (det[0].compareDocumentPosition(chart0) & Node.DOCUMENT_POSITION_FOLLOWING),
       'failures: before the charts and the case table');
    ok(det.length > 0 && det[0].open && !det[det.length - 1].open, 'failures: the first open, the rest collapsed');
    var lacking = det.filter(function (x) {
      return !x.querySelector('summary .rule') || !x.querySelector('td.t') || !x.querySelector('pre');
    });
    ok(lacking.length === 0, 'failures: each with its rule, reason and transcript', lacking.length + ' lacking');
    function failed(rule) {
      return det.some(function (x) { return has(x.querySelector('summary'), rule); });
    }
    ok(failed('response-time') && failed('flow-order'), 'failures: the response-time and flow-order FAILs');
    var others = det.filter(function (x) { return x.querySelector('ol.findings li'); });
    ok(others.length > 0, 'failures: every finding of a case listed (other findings)', others.length);
    var slow = det.filter(function (x) { return has(x.querySelector('summary'), 'response-time'); })[0];
    ok(slow && /\d+(\.\d+)? \/ \d+(\.\d+)? ms/.test(slow.querySelector('summary').textContent) &&
       has(slow, 'the exchange the verdict is about'),
       'failures: the latency and limit of the exchange the verdict is about');
    var shown = arr(d.querySelectorAll('details.case pre')).some(function (p) {
      return /\\x[0-9a-f]{2}/.test(p.textContent);
    });
    ok(shown && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(d.body.textContent),
       'failures: bytes that are not text shown as \\xNN, none raw');

    /* the pictures */
    var lat = arr(d.querySelectorAll('.chart svg'));
    ok(lat.length > 0 && lat[0].getBoundingClientRect().width > 200, 'charts: a latency chart per command and form', lat.length);
    var over = lat.filter(function (s) { return s.querySelector('line.limit') && s.querySelector('.failed'); })[0];
    var above = false;
    if (over) {
      var ly = +over.querySelector('line.limit').getAttribute('y1');
      above = arr(over.querySelectorAll('.failed')).every(function (m) {
        var b = m.getBBox();
        return b.y + b.height <= ly;
      });
    }
    ok(over && above, 'charts: the limit drawn as a line, the failed exchanges marked above it');
    var tl = arr(d.querySelectorAll('.flow svg'));
    var tlf = tl.filter(function (s) {
      return s.querySelector('.failed') && s.querySelector('.stall') && s.querySelector('.limit');
    });
    ok(tlf.length > 0, 'charts: a flow timeline with its stall and total limits and the failing event', tl.length);
    ok(arr(d.querySelectorAll('svg title')).length > 0, 'charts: marks carry a tooltip');

    /* the text filter */
    function visible() { return rows.filter(function (r) { return r.getClientRects().length > 0; }); }
    var q = d.getElementById('q');
    function type(s) { q.value = s; q.dispatchEvent(new Event('input', { bubbles: true })); }
    ok(rows.length > 0 && visible().length === rows.length, 'filter: every case shown at first', rows.length);
    type('flow sota');
    var v = visible();
    ok(v.length >= 1 && v.length < rows.length &&
       v.every(function (r) { return has(r, 'flow sota'); }) &&
       rows.every(function (r) { return v.indexOf(r) >= 0 || !has(r, 'flow sota'); }),
       'filter: typing hides the rows that do not match', v.length + ' of ' + rows.length);
    type('no such text in any row');
    ok(visible().length === 0, 'filter: nothing matches, nothing shown', visible().length);
    type('');
    ok(visible().length === rows.length, 'filter: emptied, every row back');
    var link = d.querySelector('table.rules a[data-q="flow-order"]');
    if (link) link.click();
    v = visible();
    ok(link && q.value === 'flow-order' && v.length > 0 && v.every(function (r) { return has(r, 'flow-order'); }),
       'filter: a rule of the summary filters the cases', v.length);
    type('');
    d.getElementById('f-bad').click();
    v = visible();
    ok(v.length === nfail + nerr && v.every(function (r) { return /^(fail|error)$/.test(r.className); }),
       'filter: the FAIL and ERROR button', v.length);
    d.getElementById('f-all').click();

    /* sorting */
    var ths = arr(table.tHead.rows[0].cells);
    function th(name) { return ths.filter(function (t) { return has(t, name); })[0]; }
    function column(t) {
      return bodyRows().map(function (r) { return r.cells[t.cellIndex].textContent; });
    }
    function num(s) { var x = parseFloat(s); return isNaN(x) ? -1 : x; }
    function sorted(a, dir) {
      for (var i = 1; i < a.length; i++) if ((a[i] - a[i - 1]) * dir < 0) return false;
      return true;
    }
    var lt = th('latency');
    lt.querySelector('button').click();
    var up = column(lt).map(num);
    lt.querySelector('button').click();
    var down = column(lt).map(num);
    ok(sorted(up, 1) && sorted(down, -1) && down[0] > up[0] && lt.getAttribute('aria-sort') === 'descending',
       'sort: by latency, then reversed', up[0] + '..' + up[up.length - 1]);
    th('verdict').querySelector('button').click();
    ok(column(th('verdict'))[0] === 'FAIL', 'sort: by verdict, the worst first', column(th('verdict'))[0]);
    th('#').querySelector('button').click();
    var n = column(th('#')).map(num);
    ok(sorted(n, 1) && n[0] === 1 && n.length === rows.length &&
       arr(d.querySelectorAll('div.rows tbody')).every(function (b, i, all) {
         return i === all.length - 1 || b.rows.length === all[0].rows.length;
       }), 'sort: back in the order they ended, the blocks whole');

    /* it fits the window: every section open, nothing wider than the viewport */
    det.forEach(function (x) { x.open = true; });
    var sw = d.documentElement.scrollWidth;
    ok(sw <= window.innerWidth, 'width: fits the window without horizontal scrolling',
       'scrollWidth ' + sw + ', window ' + window.innerWidth + ', case table ' +
       Math.round(table.getBoundingClientRect().width));

    /* nothing fetched, not even a local file */
    var res = performance.getEntriesByType('resource');
    ok(res.length === 0, 'network: the page loads no resource', res.map(function (e) { return e.name; }).join(' '));
  } catch (e) {
    ok(false, 'probe: an exception', e && e.message);
  }
  out.push('probe done');
  var pre = d.createElement('pre');
  pre.id = 'probe-out';
  pre.textContent = '\n' + out.join('\n') + '\n';
  d.body.appendChild(pre);
})();
