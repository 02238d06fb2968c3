/**
 * The dashboard page: one self-contained HTML document (inline CSS and script, no external assets, so it
 * works offline and under a strict content security policy of `'self'`). It loads `/api/snapshot`, then
 * applies the batches `/api/events` streams; it asks for the token when the server answers 401.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quantum Trader — live</title>
<style>
  :root { color-scheme: light dark; --fg: #1d232a; --muted: #6b7480; --bg: #f6f7f9; --card: #fff; --up: #1b873f; --down: #c62828; --line: #e3e6ea; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #9aa3ad; --bg: #0f1216; --card: #171b21; --line: #262c34; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; gap: 16px; align-items: center; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--card); flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; }
  .badge { padding: 2px 8px; border-radius: 10px; font-weight: 600; font-size: 12px; background: var(--line); }
  .badge.active { background: #d7f5df; color: #14532d; } .badge.reducing { background: #fff3c4; color: #713f12; } .badge.halted { background: #fde0e0; color: #7f1d1d; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; padding: 16px 20px; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; overflow: auto; max-height: 420px; }
  section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th { color: var(--muted); font-weight: 500; }
  .num { text-align: right; } .pos { color: var(--up); } .neg { color: var(--down); } .muted { color: var(--muted); }
  svg { width: 100%; height: 180px; display: block; }
  #login { max-width: 360px; margin: 80px auto; background: var(--card); padding: 20px; border-radius: 8px; border: 1px solid var(--line); }
  input, button { font: inherit; padding: 6px 10px; }
  .big { font-size: 22px; font-weight: 600; }
</style>
</head>
<body>
<form id="login" hidden>
  <h2>Quantum Trader</h2>
  <p class="muted">This dashboard needs the runtime's HTTP token.</p>
  <input id="token" type="password" placeholder="token" autocomplete="current-password" required>
  <button type="submit">Open</button>
  <p id="login-error" class="neg"></p>
</form>
<div id="app" hidden>
<header>
  <h1>Quantum Trader</h1>
  <span id="run" class="muted"></span>
  <span>trading <span id="trading-state" class="badge">…</span></span>
  <span>equity <span id="equity" class="big" data-testid="equity">…</span></span>
  <span>drawdown <span id="drawdown">…</span></span>
  <span id="health" class="muted"></span>
  <span id="stream" class="muted">connecting…</span>
</header>
<main>
  <section><h2>Equity and drawdown</h2><svg id="chart" viewBox="0 0 600 180" preserveAspectRatio="none"></svg></section>
  <section><h2>Open positions</h2><table id="positions"><thead><tr><th>symbol</th><th>side</th><th class="num">qty</th><th class="num">entry</th><th class="num">mark</th><th class="num">uPnL</th><th class="num">stop</th><th>targets</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Recent fills</h2><table id="fills"><thead><tr><th>time</th><th>symbol</th><th>side</th><th class="num">qty</th><th class="num">price</th><th class="num">fee</th><th class="num">PnL</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Latest decisions</h2><table id="decisions"><thead><tr><th>time</th><th>symbol</th><th>action</th><th class="num">conf.</th><th>votes</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Risk and emergency stop</h2><table id="risk"><thead><tr><th>component</th><th>state</th><th>reason</th><th>since</th></tr></thead><tbody></tbody></table>
    <form id="reset"><input id="reset-token" type="password" placeholder="ESS reset token" required> <button type="submit">Reset emergency stop</button> <span id="reset-result" class="muted"></span></form>
    <form id="lift"><button type="submit">Lift reduce-only</button> <span id="lift-result" class="muted"></span></form></section>
  <section><h2>Errors</h2><table id="errors"><thead><tr><th>time</th><th>kind</th><th>where</th><th>message</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Model supervisor</h2><table id="findings"><tbody></tbody></table></section>
  <section><h2>Past runs</h2><table id="runs"><thead><tr><th>run</th><th>name</th><th>mode</th><th>status</th><th>started</th><th>ended</th></tr></thead><tbody></tbody></table><p id="runs-note" class="muted"></p></section>
</main>
</div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const state = { equity: [], fills: [], decisions: [], errors: [], positions: [], risk: { tradingState: "active", components: {} } };
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const fmt = (n, d = 2) => (typeof n === "number" && isFinite(n) ? n.toLocaleString(undefined, { minimumFractionDigits: d, maximumFractionDigits: d }) : "–");
const t = (ms) => (ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : "");
const sign = (n) => (n > 0 ? "pos" : n < 0 ? "neg" : "");
const rows = (id, items, row, max) => { $(id).querySelector("tbody").innerHTML = items.slice(-max).reverse().map(row).join(""); };

function render() {
  const last = state.equity[state.equity.length - 1];
  $("equity").textContent = last ? fmt(last.equity) : "–";
  $("drawdown").textContent = last ? fmt(last.drawdown * 100) + " %" : "–";
  const ts = state.risk.tradingState; $("trading-state").textContent = ts; $("trading-state").className = "badge " + ts;
  rows("positions", state.positions, (p) => "<tr><td>" + esc(p.position.symbol) + "</td><td>" + esc(p.position.side) + "</td><td class=num>" + fmt(p.position.quantity, 4) + "</td><td class=num>" + fmt(p.position.entryPrice) + "</td><td class=num>" + fmt(p.position.markPrice) + "</td><td class='num " + sign(p.position.unrealizedPnl) + "'>" + fmt(p.position.unrealizedPnl) + "</td><td class=num>" + (p.stops.length ? p.stops.map((s) => fmt(s.triggerPrice)).join(" / ") : "<span class=neg>none</span>") + "</td><td>" + p.targets.map((o) => fmt(o.price ?? o.triggerPrice) + " × " + fmt(o.quantity, 4)).join(", ") + "</td></tr>", 50);
  rows("fills", state.fills, (f) => "<tr data-fill='" + esc(f.id) + "'><td>" + t(f.time) + "</td><td>" + esc(f.symbol) + "</td><td>" + esc(f.side) + "</td><td class=num>" + fmt(f.quantity, 4) + "</td><td class=num>" + fmt(f.price) + "</td><td class=num>" + fmt(f.fee, 4) + "</td><td class='num " + sign(f.realizedPnl) + "'>" + fmt(f.realizedPnl) + "</td></tr>", 100);
  rows("decisions", state.decisions, (d) => "<tr><td>" + t(d.time) + "</td><td>" + esc(d.symbol) + "</td><td>" + esc(d.action) + "</td><td class=num>" + fmt(d.confidence) + "</td><td>" + d.votes.map((v) => esc(v.agent.replace(/^[^:]*:/, "")) + " " + esc(v.action) + " " + fmt(v.confidence)).join("; ") + "</td></tr>", 50);
  rows("errors", state.errors, (e) => "<tr><td>" + t(e.time) + "</td><td>" + esc(e.kind) + "</td><td>" + esc(e.source) + "</td><td>" + esc(e.message) + "</td></tr>", 50);
  $("risk").querySelector("tbody").innerHTML = Object.entries(state.risk.components).map(([k, c]) => "<tr><td>" + esc(k) + "</td><td>" + esc(c.state) + "</td><td>" + esc(c.reason) + "</td><td>" + t(c.time) + "</td></tr>").join("");
  chart();
}

function chart() {
  const pts = state.equity; const svg = $("chart");
  if (pts.length < 2) { svg.innerHTML = ""; return; }
  const t0 = pts[0].time, t1 = pts[pts.length - 1].time || t0 + 1;
  let lo = Infinity, hi = -Infinity; for (const p of pts) { lo = Math.min(lo, p.equity); hi = Math.max(hi, p.equity); }
  if (hi === lo) { hi += 1; lo -= 1; }
  const x = (p) => ((p.time - t0) / (t1 - t0 || 1)) * 600;
  const eq = pts.map((p) => x(p).toFixed(1) + "," + (120 - ((p.equity - lo) / (hi - lo)) * 110).toFixed(1)).join(" ");
  const dd = pts.map((p) => x(p).toFixed(1) + "," + (130 + Math.min(1, p.drawdown * 5) * 50).toFixed(1)).join(" ");
  svg.innerHTML = '<polyline fill="none" stroke="#1976d2" stroke-width="1.5" points="' + eq + '"/><polyline fill="none" stroke="#c62828" stroke-width="1" points="' + dd + '"/>';
}

function apply(e) {
  const cap = (list, max) => { if (list.length > max) list.splice(0, list.length - max); };
  if (e.type === "equity") { state.equity.push(e.point); cap(state.equity, 5000); }
  else if (e.type === "fill") { state.fills.push(e.fill); cap(state.fills, 100); }
  else if (e.type === "decision") { state.decisions.push(e.decision); cap(state.decisions, 50); }
  else if (e.type === "error") { state.errors.push(e.error); cap(state.errors, 50); }
  else if (e.type === "positions") state.positions = e.positions;
  else if (e.type === "risk") state.risk = e.risk;
}

let frame = 0;
const schedule = () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); };

async function load() {
  const res = await fetch("/api/snapshot", { credentials: "same-origin" });
  if (res.status === 401) { $("login").hidden = false; $("app").hidden = true; return false; }
  const snap = await res.json();
  Object.assign(state, { equity: snap.equity, fills: snap.fills, decisions: snap.decisions, errors: snap.errors, positions: snap.positions, risk: snap.risk });
  $("run").textContent = Object.entries(snap.run || {}).map(([k, v]) => k + " " + v).join(" · ");
  $("health").textContent = snap.health ? (snap.health.ready ? "ready" : "not ready") : "";
  $("findings").querySelector("tbody").innerHTML = (snap.findings || []).map((f) => "<tr><td>" + esc(f.agent) + "</td><td>" + esc(f.kind) + "</td><td>" + esc(f.message) + "</td></tr>").join("");
  $("login").hidden = true; $("app").hidden = false; render(); loadRuns(); return true;
}

async function loadRuns() {
  const res = await fetch("/api/runs", { credentials: "same-origin" }).catch(() => undefined);
  const body = res ? await res.json().catch(() => ({})) : {};
  const runs = res && res.ok ? body.runs || [] : [];
  $("runs-note").textContent = !res || res.status === 404 ? "no state store" : res.ok ? (runs.length ? "" : "no runs stored yet") : "store unavailable: " + (body.error || res.status);
  $("runs").querySelector("tbody").innerHTML = runs.map((r) => "<tr data-run='" + esc(r.id) + "'><td>" + esc(r.id) + "</td><td>" + esc(r.name) + "</td><td>" + esc(r.mode) + "</td><td>" + esc(r.status) + "</td><td>" + t(r.startedAt) + "</td><td>" + t(r.endedAt) + "</td></tr>").join("");
}
setInterval(() => { if (!$("app").hidden) loadRuns(); }, 60000);

function stream() {
  const source = new EventSource("/api/events");
  source.onopen = () => { $("stream").textContent = "live"; };
  source.onerror = () => { $("stream").textContent = "reconnecting…"; };
  source.onmessage = (m) => { const batch = JSON.parse(m.data); for (const e of batch.events) apply(e); schedule(); };
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const res = await fetch("/api/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: $("token").value }) });
  if (!res.ok) { $("login-error").textContent = res.status === 429 ? "too many attempts, wait a minute" : "wrong token"; return; }
  if (await load()) stream();
});

$("reset").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const res = await fetch("/risk/ess/reset", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: $("reset-token").value }) });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) { $("login").hidden = false; $("app").hidden = true; return; }
  $("reset-result").textContent = res.ok ? "reset: " + (body.state || "ok") : "refused: " + (body.error || res.status);
});

$("lift").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const res = await fetch("/api/reduce-only/lift", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: "dashboard" }) });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) { $("login").hidden = false; $("app").hidden = true; return; }
  $("lift-result").textContent = res.ok ? (body.lifted ? "lifted" : "was not reduce-only") : "refused: " + (body.error || res.status);
});

load().then((ok) => { if (ok) stream(); });
</script>
</body>
</html>
`
