/**
 * The inline script of `report.html`: draws the equity, drawdown and candle charts on canvases from the
 * embedded JSON, with date and price axes and a hover read-out. Plain ES2017, no dependencies.
 * @packageDocumentation
 */

/** JavaScript of the report (kept free of template placeholders and backticks). */
export const REPORT_SCRIPT = String.raw`(function () {
'use strict';
var data = JSON.parse(document.getElementById('report-data').textContent);
var C = { up: '#16a34a', down: '#dc2626', line: '#2563eb', grid: '#eceef1', axis: '#6b7280', frame: '#d1d5db', text: '#111827' };
var FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
var PAD = { l: 78, r: 14, t: 10, b: 24 };
var MIN = 60000, HOUR = 3600000, DAY = 86400000;
var TIME_STEPS = [MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
var MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120];
var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
var tip = document.getElementById('tip');

function pad2(n) { return n < 10 ? '0' + n : String(n); }
function fmtNum(v, d) { if (v === 0) v = 0; return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }); }
function digitsFor(step) { return Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9))); }
function fmtFull(t) { var d = new Date(t); return d.toISOString().slice(0, 16).replace('T', ' '); }
function fmtTick(t, step) {
  var d = new Date(t), m = MONTHS[d.getUTCMonth()];
  if (step < DAY) return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 ? m + ' ' + d.getUTCDate() : pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes());
  if (step < 28 * DAY) return d.getUTCDate() === 1 && d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : m + ' ' + d.getUTCDate();
  if (step < 365 * DAY) return d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : m;
  return String(d.getUTCFullYear());
}
function niceStep(span, count) {
  var raw = span / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw))), n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}
function valueTicks(min, max, count) {
  var step = niceStep(max - min, count), out = [];
  for (var i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) out.push(Math.abs(i) < 1e-9 ? 0 : i * step);
  return { ticks: out, step: step };
}
function timeTicks(t0, t1, count) {
  var raw = (t1 - t0) / Math.max(1, count), out = [], i, t;
  for (i = 0; i < TIME_STEPS.length; i++) {
    if (TIME_STEPS[i] >= raw) {
      var s = TIME_STEPS[i];
      for (t = Math.ceil(t0 / s) * s; t <= t1; t += s) out.push(t);
      return { ticks: out, step: s };
    }
  }
  var months = MONTH_STEPS[MONTH_STEPS.length - 1];
  for (i = 0; i < MONTH_STEPS.length; i++) if (MONTH_STEPS[i] * 30 * DAY >= raw) { months = MONTH_STEPS[i]; break; }
  var d = new Date(t0), y = d.getUTCFullYear(), mo = Math.ceil((d.getUTCMonth() + (d.getUTCDate() > 1 ? 1 : 0)) / months) * months;
  for (t = Date.UTC(y, mo, 1); t <= t1; mo += months, t = Date.UTC(y, mo, 1)) out.push(t);
  return { ticks: out, step: months * 30 * DAY };
}
function extent(arrays, lo, hi) {
  var min = Infinity, max = -Infinity;
  arrays.forEach(function (a) { for (var i = lo; i < hi; i++) { var v = a[i]; if (v < min) min = v; if (v > max) max = v; } });
  return [min, max];
}

function setup(canvas) {
  var dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.max(1, Math.round(w * dpr)); canvas.height = Math.max(1, Math.round(h * dpr));
  var ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0); ctx.clearRect(0, 0, w, h); ctx.font = FONT; ctx.lineWidth = 1;
  return { ctx: ctx, w: w, h: h, x0: PAD.l, x1: w - PAD.r, y0: PAD.t, y1: h - PAD.b };
}
function emptyChart(g, text) {
  g.ctx.fillStyle = C.axis; g.ctx.textAlign = 'center'; g.ctx.textBaseline = 'middle';
  g.ctx.fillText(text, g.w / 2, g.h / 2);
}
function yAxis(g, min, max, fmt) {
  if (!(max > min)) { var p = Math.abs(min) * 0.01 || 1; min -= p; max += p; }
  var span = max - min; min -= span * 0.04; max += span * 0.04;
  var tk = valueTicks(min, max, Math.max(2, Math.floor((g.y1 - g.y0) / 42)));
  var y = function (v) { return g.y1 - (v - min) / (max - min) * (g.y1 - g.y0); };
  var ctx = g.ctx; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  tk.ticks.forEach(function (v) {
    var py = Math.round(y(v)) + 0.5;
    ctx.strokeStyle = C.grid; ctx.beginPath(); ctx.moveTo(g.x0, py); ctx.lineTo(g.x1, py); ctx.stroke();
    ctx.fillStyle = C.axis; ctx.fillText(fmt(v, tk.step), g.x0 - 8, py);
  });
  return y;
}
function xAxis(g, t0, t1, xOf) {
  var tk = timeTicks(t0, t1, Math.max(2, Math.floor((g.x1 - g.x0) / 110))), ctx = g.ctx;
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  tk.ticks.forEach(function (t) {
    var px = Math.round(xOf(t)) + 0.5;
    if (px < g.x0 || px > g.x1) return;
    ctx.strokeStyle = C.grid; ctx.beginPath(); ctx.moveTo(px, g.y0); ctx.lineTo(px, g.y1); ctx.stroke();
    ctx.fillStyle = C.axis; ctx.fillText(fmtTick(t, tk.step), px, g.y1 + 6);
  });
  ctx.strokeStyle = C.frame; ctx.strokeRect(g.x0 + 0.5, g.y0 + 0.5, g.x1 - g.x0 - 1, g.y1 - g.y0 - 1);
}
function search(ts, t) {
  var lo = 0, hi = ts.length - 1;
  while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (ts[mid] <= t) lo = mid; else hi = mid - 1; }
  return lo;
}
function crosshair(g, px) {
  var ctx = g.ctx; ctx.save(); ctx.strokeStyle = '#9ca3af'; ctx.setLineDash([3, 3]);
  ctx.beginPath(); ctx.moveTo(Math.round(px) + 0.5, g.y0); ctx.lineTo(Math.round(px) + 0.5, g.y1); ctx.stroke(); ctx.restore();
}

function lineChart(canvas, t, v, opt) {
  return function draw(hx) {
    var g = setup(canvas), n = t.length;
    if (n === 0) { emptyChart(g, 'No data'); return null; }
    var ext = extent([v], 0, n), lo = ext[0], hi = ext[1];
    if (opt.ref !== undefined) { lo = Math.min(lo, opt.ref); hi = Math.max(hi, opt.ref); }
    var t0 = t[0], t1 = t[n - 1] > t0 ? t[n - 1] : t0 + 1;
    var x = function (tt) { return g.x0 + (tt - t0) / (t1 - t0) * (g.x1 - g.x0); };
    xAxis(g, t0, t1, x);
    var y = yAxis(g, lo, hi, opt.fmt), ctx = g.ctx, i;
    if (opt.ref !== undefined) {
      ctx.save(); ctx.strokeStyle = '#9ca3af'; ctx.setLineDash([4, 4]); ctx.beginPath();
      ctx.moveTo(g.x0, Math.round(y(opt.ref)) + 0.5); ctx.lineTo(g.x1, Math.round(y(opt.ref)) + 0.5); ctx.stroke(); ctx.restore();
    }
    ctx.beginPath();
    for (i = 0; i < n; i++) { if (i === 0) ctx.moveTo(x(t[i]), y(v[i])); else ctx.lineTo(x(t[i]), y(v[i])); }
    if (opt.fill) {
      var yb = opt.base === undefined ? g.y1 : y(opt.base);
      ctx.save(); ctx.lineTo(x(t[n - 1]), yb); ctx.lineTo(x(t[0]), yb); ctx.closePath();
      ctx.fillStyle = opt.fill; ctx.fill(); ctx.restore();
      ctx.beginPath(); for (i = 0; i < n; i++) { if (i === 0) ctx.moveTo(x(t[i]), y(v[i])); else ctx.lineTo(x(t[i]), y(v[i])); }
    }
    ctx.strokeStyle = opt.color; ctx.lineWidth = 1.5; ctx.stroke(); ctx.lineWidth = 1;
    if (hx === null || hx < g.x0 || hx > g.x1) return null;
    var k = search(t, t0 + (hx - g.x0) / (g.x1 - g.x0) * (t1 - t0));
    crosshair(g, x(t[k]));
    ctx.fillStyle = opt.color; ctx.beginPath(); ctx.arc(x(t[k]), y(v[k]), 3.5, 0, Math.PI * 2); ctx.fill();
    return opt.tip(k);
  };
}

function candleChart(canvas, getSymbol) {
  return function draw(hx) {
    var g = setup(canvas), s = getSymbol(), cd = data.candles[s];
    if (!cd || cd.t.length === 0) { emptyChart(g, 'No candles'); return null; }
    var n = cd.t.length, ms = data.markers.filter(function (m) { return m[0] === s; });
    var ext = extent([cd.l, cd.h], 0, n), lo = ext[0], hi = ext[1];
    ms.forEach(function (m) { lo = Math.min(lo, m[3], m[5]); hi = Math.max(hi, m[3], m[5]); });
    var slot = (g.x1 - g.x0) / n, xi = function (i) { return g.x0 + (i + 0.5) * slot; };
    var xt = function (t) { return xi(search(cd.t, t)); };
    xAxis(g, cd.t[0], cd.t[n - 1], xt);
    var y = yAxis(g, lo, hi, function (v, st) { return fmtNum(v, digitsFor(st)); }), ctx = g.ctx;
    var body = Math.max(1, Math.min(12, slot * 0.7));
    for (var i = 0; i < n; i++) {
      var o = cd.o[i], c = cd.c[i], px = Math.round(xi(i)) + 0.5;
      ctx.strokeStyle = ctx.fillStyle = c >= o ? C.up : C.down;
      ctx.beginPath(); ctx.moveTo(px, y(cd.h[i])); ctx.lineTo(px, y(cd.l[i])); ctx.stroke();
      if (slot >= 2.5) { var top = y(Math.max(o, c)); ctx.fillRect(px - body / 2, top, body, Math.max(1, y(Math.min(o, c)) - top)); }
    }
    drawMarkers(ctx, ms, xt, y);
    if (hx === null || hx < g.x0 || hx > g.x1) return null;
    var k = Math.max(0, Math.min(n - 1, Math.floor((hx - g.x0) / slot)));
    crosshair(g, xi(k));
    return candleTip(cd, k, ms);
  };
}
function drawMarkers(ctx, ms, xt, y) {
  ms.forEach(function (m) {
    var col = m[1] > 0 ? C.up : C.down, xe = xt(m[2]), ye = y(m[3]), xx = xt(m[4]), yx = y(m[5]);
    ctx.save(); ctx.strokeStyle = col; ctx.globalAlpha = 0.55; ctx.setLineDash([3, 2]);
    ctx.beginPath(); ctx.moveTo(xe, ye); ctx.lineTo(xx, yx); ctx.stroke(); ctx.restore();
    var d = m[1] > 0 ? 1 : -1;
    ctx.fillStyle = col; ctx.strokeStyle = '#ffffff';
    ctx.beginPath(); ctx.moveTo(xe, ye); ctx.lineTo(xe - 5, ye + 9 * d); ctx.lineTo(xe + 5, ye + 9 * d); ctx.closePath(); ctx.fill(); ctx.stroke();
    ctx.beginPath(); ctx.arc(xx, yx, 3.5, 0, Math.PI * 2); ctx.fillStyle = '#ffffff'; ctx.fill();
    ctx.strokeStyle = col; ctx.lineWidth = 1.5; ctx.stroke(); ctx.lineWidth = 1;
  });
}
function candleTip(cd, k, ms) {
  var t0 = cd.t[k], t1 = k + 1 < cd.t.length ? cd.t[k + 1] : Infinity, p = function (v) { return fmtNum(v, v >= 1000 ? 2 : v >= 1 ? 4 : 6); };
  var inside = ms.filter(function (m) { return (m[2] >= t0 && m[2] < t1) || (m[4] >= t0 && m[4] < t1); });
  var lines = [fmtFull(t0) + ' UTC' + (cd.barsPerCandle > 1 ? ' (' + cd.barsPerCandle + ' bars)' : ''),
    'O ' + p(cd.o[k]) + '  H ' + p(cd.h[k]) + '  L ' + p(cd.l[k]) + '  C ' + p(cd.c[k])];
  inside.slice(0, 4).forEach(function (m) {
    lines.push('#' + m[7] + ' ' + (m[1] > 0 ? 'LONG' : 'SHORT') + ' ' + p(m[3]) + ' → ' + p(m[5]) + '  net ' + fmtNum(m[6], 2));
  });
  if (inside.length > 4) lines.push('… ' + (inside.length - 4) + ' more trades');
  return lines;
}

function attach(canvas, draw) {
  draw(null);
  canvas.addEventListener('mousemove', function (e) {
    var r = canvas.getBoundingClientRect(), lines = draw(e.clientX - r.left);
    if (!lines) { tip.hidden = true; return; }
    tip.textContent = ''; lines.forEach(function (l, i) { if (i) tip.appendChild(document.createElement('br')); tip.appendChild(document.createTextNode(l)); });
    tip.hidden = false;
    var left = e.clientX + 14, top = e.clientY + 14;
    if (left + tip.offsetWidth > window.innerWidth - 8) left = e.clientX - tip.offsetWidth - 14;
    if (top + tip.offsetHeight > window.innerHeight - 8) top = e.clientY - tip.offsetHeight - 14;
    tip.style.left = left + 'px'; tip.style.top = top + 'px';
  });
  canvas.addEventListener('mouseleave', function () { tip.hidden = true; draw(null); });
  return draw;
}

var eq = data.equity, ddPct = eq.dd.map(function (d) { return -d * 100; });
var usd = function (v, st) { return fmtNum(v, digitsFor(st)); };
var equityTip = function (k) { return [fmtFull(eq.t[k]) + ' UTC', 'Equity ' + fmtNum(eq.e[k], 2) + ' USDT', 'Drawdown ' + fmtNum(eq.dd[k] * 100, 2) + '%']; };
var draws = [
  attach(document.getElementById('equity-chart'), lineChart(document.getElementById('equity-chart'), eq.t, eq.e,
    { color: C.line, fill: 'rgba(37,99,235,0.08)', ref: data.startBalance, fmt: usd, tip: equityTip })),
  attach(document.getElementById('drawdown-chart'), lineChart(document.getElementById('drawdown-chart'), eq.t, ddPct,
    { color: C.down, fill: 'rgba(220,38,38,0.15)', base: 0, ref: 0, fmt: function (v, st) { return fmtNum(v, digitsFor(st)) + '%'; }, tip: equityTip }))
];
var select = document.getElementById('symbol'), note = document.getElementById('candle-note');
var symbolIndex = function () { return select ? Number(select.value) : 0; };
function describeCandles() {
  var cd = data.candles[symbolIndex()];
  if (!cd || !note) return;
  var shown = data.markers.filter(function (m) { return m[0] === symbolIndex(); }).length;
  var agg = cd.barsPerCandle > 1 ? 'Each candle aggregates ' + cd.barsPerCandle.toLocaleString('en-US') + ' × ' + cd.timeframe + ' bars. ' : cd.timeframe + ' candles. ';
  var sampled = data.markers.length < data.tradesTotal ? ' (' + data.markers.length + ' of ' + data.tradesTotal + ' trades marked, evenly sampled)' : '';
  note.textContent = agg + shown + ' trades of ' + cd.symbol + ' marked' + sampled + '. Times in UTC.';
}
var drawCandles = attach(document.getElementById('candle-chart'), candleChart(document.getElementById('candle-chart'), symbolIndex));
draws.push(drawCandles);
describeCandles();
if (select) select.addEventListener('change', function () { describeCandles(); drawCandles(null); });
var pending = 0;
window.addEventListener('resize', function () {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(function () { draws.forEach(function (d) { d(null); }); });
});
document.documentElement.setAttribute('data-charts', 'ready');
})();`
