/**
 * A hand-written SVG line chart of equity curves (no libraries).
 */
import type { Curve } from './metrics.js'

/** One curve of the chart. */
export interface Line {
  readonly label: string
  readonly curve: Curve
}

const COLORS = ['#6b7280', '#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2']
const W = 900
const H = 420
const PAD = { left: 70, right: 180, top: 40, bottom: 40 }
const MAX_POINTS = 600

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Every `step`-th point plus the last, so a chart stays small. */
function sample(curve: Curve): Array<[number, number]> {
  const n = curve.time.length
  const step = Math.max(1, Math.ceil(n / MAX_POINTS))
  const out: Array<[number, number]> = []
  for (let i = 0; i < n; i += step) out.push([curve.time[i] as number, curve.equity[i] as number])
  if (n > 0 && (n - 1) % step !== 0) out.push([curve.time[n - 1] as number, curve.equity[n - 1] as number])
  return out
}

/** An SVG document plotting `lines` (equity in USDT against time). */
export function equityChart(title: string, lines: readonly Line[]): string {
  const points = lines.map((l) => sample(l.curve))
  const all = points.flat()
  const [t0, t1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))]
  const [e0, e1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))]
  const x = (t: number): number => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (W - PAD.left - PAD.right)
  const y = (e: number): number => H - PAD.bottom - ((e - e0) / (e1 - e0 || 1)) * (H - PAD.top - PAD.bottom)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ]
  for (let k = 0; k <= 4; k++) {
    const e = e0 + ((e1 - e0) * k) / 4
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(e).toFixed(1)}" y2="${y(e).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${PAD.left - 6}" y="${(y(e) + 4).toFixed(1)}" text-anchor="end">${e.toFixed(0)}</text>`,
    )
  }
  for (const t of [t0, (t0 + t1) / 2, t1]) {
    const label = new Date(t).toISOString().slice(0, 10)
    parts.push(`<text x="${x(t).toFixed(1)}" y="${H - PAD.bottom + 18}" text-anchor="middle">${label}</text>`)
  }
  points.forEach((pts, k) => {
    const color = COLORS[k % COLORS.length] ?? '#000000'
    const d = pts.map(([t, e]) => `${x(t).toFixed(1)},${y(e).toFixed(1)}`).join(' ')
    const ly = PAD.top + 10 + k * 20
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${d}"/>`,
      `<line x1="${W - PAD.right + 12}" x2="${W - PAD.right + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${W - PAD.right + 38}" y="${ly + 4}">${esc(lines[k]?.label ?? '')}</text>`,
    )
  })
  parts.push('</svg>', '')
  return parts.join('\n')
}
