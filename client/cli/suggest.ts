/** "Did you mean": the nearest of some words to a mistyped one, by edit distance. */

/** Levenshtein distance, with a swap of two neighbours counted as one edit (`sl` for `ls`). */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to `word`, when it is near enough to be what was meant: at
 * most a third of its letters wrong (at least one), or `word` is the start of it.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = candidate.startsWith(lower) && lower.length >= 2 ? 0.5 : distance(lower, candidate.toLowerCase());
    if (d <= Math.max(1, Math.floor(word.length / 3)) && (best === undefined || d < best.d)) best = { candidate, d };
  }
  return best?.candidate;
}

/** `; did you mean "ls"?`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>, show: (c: string) => string = (c) => c): string {
  const found = nearest(word, candidates);
  return found === undefined ? '' : `; did you mean ${show(found)}?`;
}
