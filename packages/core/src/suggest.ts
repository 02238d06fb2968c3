/**
 * "Did you mean …?" for a mistyped flag, mode, config key or plugin option: the closest known word by
 * edit distance.
 * @packageDocumentation
 */

/** Edit distance (insertions, deletions, substitutions; a swap of two neighbours counts once). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The known word closest to `word` (case-insensitive), when it is close enough to be a typo: at most a
 * third of its length away (at least 1, at most 3 edits), or one being a prefix of the other.
 * @example closest('--sped', ['--speed', '--symbols']) // '--speed'
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase()
  let best: { word: string; d: number } | undefined
  for (const k of known) {
    const d = distance(w, k.toLowerCase())
    if (best === undefined || d < best.d) best = { word: k, d }
  }
  if (best === undefined) return undefined
  const limit = Math.min(3, Math.max(1, Math.floor(w.length / 3)))
  const lk = best.word.toLowerCase()
  const prefix = w.length >= 3 && (lk.startsWith(w) || w.startsWith(lk))
  return best.d <= limit || prefix ? best.word : undefined
}

/** `' (did you mean X?)'` for the closest known word, or `''`. */
export function didYouMean(word: string, known: readonly string[]): string {
  const match = closest(word, known)
  return match === undefined ? '' : ` (did you mean ${match}?)`
}
