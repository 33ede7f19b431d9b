/** One line of the `npm run bench` table; every figure is measured in the same run, never pasted. */
export interface BenchRow {
  area: string;
  metric: string;
  value: number;
  unit: string;
  /** Human-readable target from the issue, e.g. "≥ 50 MB/s". */
  target?: string;
  /** Whether the figure meets the target (undefined when there is none). */
  ok?: boolean;
}

export type BenchFn = () => Promise<BenchRow[]>;
