import type { Adx } from './adx.js'
import type { Atr } from './atr.js'
import type { Ema } from './ema.js'
import { BuiltinFeature, readSource, type FeatureBar, type FeatureKernel } from './feature-specs.js'
import type { Macd } from './macd.js'
import type { Mfi } from './mfi.js'
import type { Obv } from './obv.js'
import type { Rma } from './rma.js'
import type { Rsi } from './rsi.js'
import type { Sma } from './sma.js'
import type { TrueRange } from './true-range.js'

interface Slot<K> {
  readonly kernel: K
  /** Index in the feature set's vector. */
  readonly slot: number
  /** Price-source code (0 = close). */
  readonly source: number
}

interface FieldSlot<K, F> {
  readonly kernel: K
  readonly slot: number
  readonly field: F
}

/**
 * The kernels of a feature set grouped by class, so that each loop's `update` call site sees one
 * class only and V8 inlines it: about 3× faster than one loop over a mixed array (a megamorphic
 * call per feature).
 * @internal
 */
export class FeatureGroups {
  private readonly ema: Slot<Ema>[] = []
  private readonly sma: Slot<Sma>[] = []
  private readonly rma: Slot<Rma>[] = []
  private readonly rsi: Slot<Rsi>[] = []
  private readonly atr: Slot<Atr>[] = []
  private readonly trueRange: Slot<TrueRange>[] = []
  private readonly adx: FieldSlot<Adx, 'value' | 'plusDi' | 'minusDi'>[] = []
  private readonly macd: FieldSlot<Macd, 'macd' | 'signal' | 'histogram'>[] = []
  private readonly obv: Slot<Obv>[] = []
  private readonly mfi: Slot<Mfi>[] = []
  private readonly custom: Slot<FeatureKernel>[] = []

  /** Files `kernel` under its class; its output goes to `vector[slot]`. */
  add(kernel: FeatureKernel, slot: number): void {
    if (!(kernel instanceof BuiltinFeature)) {
      this.custom.push({ kernel, slot, source: 0 })
      return
    }
    const s = kernel.state
    switch (s.kind) {
      case 'ema':
        return void this.ema.push({ kernel: s.kernel, slot, source: s.source })
      case 'sma':
        return void this.sma.push({ kernel: s.kernel, slot, source: s.source })
      case 'rma':
        return void this.rma.push({ kernel: s.kernel, slot, source: s.source })
      case 'rsi':
        return void this.rsi.push({ kernel: s.kernel, slot, source: s.source })
      case 'atr':
        return void this.atr.push({ kernel: s.kernel, slot, source: 0 })
      case 'trueRange':
        return void this.trueRange.push({ kernel: s.kernel, slot, source: 0 })
      case 'adx':
        return void this.adx.push({ kernel: s.kernel, slot, field: s.field })
      case 'macd':
        return void this.macd.push({ kernel: s.kernel, slot, field: s.field })
      case 'obv':
        return void this.obv.push({ kernel: s.kernel, slot, source: 0 })
      case 'mfi':
        return void this.mfi.push({ kernel: s.kernel, slot, source: 0 })
    }
  }

  /** Updates every kernel with one bar, writing the outputs into `out`. */
  run(out: Float64Array, bar: FeatureBar): void {
    const { high, low, close } = bar
    for (let i = 0, g = this.ema; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(e.source === 0 ? close : readSource(e.source, bar))
    }
    for (let i = 0, g = this.sma; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(e.source === 0 ? close : readSource(e.source, bar))
    }
    for (let i = 0, g = this.rma; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(e.source === 0 ? close : readSource(e.source, bar))
    }
    for (let i = 0, g = this.rsi; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(e.source === 0 ? close : readSource(e.source, bar))
    }
    for (let i = 0, g = this.atr; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(high, low, close)
    }
    for (let i = 0, g = this.trueRange; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(high, low, close)
    }
    this.runMulti(out, bar)
  }

  private runMulti(out: Float64Array, bar: FeatureBar): void {
    const { high, low, close, volume } = bar
    for (let i = 0, g = this.adx; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      e.kernel.update(high, low, close)
      out[e.slot] = e.kernel[e.field]
    }
    for (let i = 0, g = this.macd; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      e.kernel.update(close)
      out[e.slot] = e.kernel[e.field]
    }
    for (let i = 0, g = this.obv; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(close, volume)
    }
    for (let i = 0, g = this.mfi; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(high, low, close, volume)
    }
    for (let i = 0, g = this.custom; i < g.length; i++) {
      const e = g[i] as (typeof g)[number]
      out[e.slot] = e.kernel.update(bar)
    }
  }
}
