// Small statistics for reporting: quantiles of samples and medians over repetitions.

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface Quantiles {
  n: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
}

/** Linear-interpolated quantile q (0..1) of the values. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function quantiles(values: number[]): Quantiles {
  return {
    n: values.length,
    median: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

export function spread(values: number[]): Spread {
  return {
    median: quantile(values, 0.5),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
    n: values.length,
  };
}

/** Per-field spreads over repetitions of a record of numbers. */
export function spreadEach<K extends string>(
  reps: Array<Record<K, number>>,
  keys: readonly K[],
): Record<K, Spread> {
  const out = {} as Record<K, Spread>;
  for (const k of keys) out[k] = spread(reps.map((r) => r[k]).filter((v) => Number.isFinite(v)));
  return out;
}
