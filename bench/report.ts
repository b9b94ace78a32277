/** How a figure is judged against its floor and aim. */
export type Judgement =
  /** figure / baseline must be at least floor (throughput, speed). */
  | { kind: 'ratio-at-least'; floor: number; aim: number }
  /** the figure itself must be at most floor (seconds, megabytes). */
  | { kind: 'at-most'; floor: number; aim: number }
  /** shown for context, not judged. */
  | { kind: 'info' };

/** One line of the bench table. */
export interface BenchRow {
  part: string;
  figure: string;
  /** Measured value in `unit`; undefined when it could not be measured. */
  value?: number;
  /** The baseline measured in the same run, when the row has one. */
  baseline?: number;
  baselineLabel?: string;
  unit: string;
  judgement: Judgement;
  /** Why value is missing, or a remark worth a reader's eye. */
  note?: string;
}

export type Verdict = 'met' | 'NOT MET' | '-';

/** Whether a row meets its floor, and whether it reaches its aim. */
export function judge(row: BenchRow): { verdict: Verdict; aimReached: boolean; ratio?: number } {
  const j = row.judgement;
  if (j.kind === 'info') return { verdict: '-', aimReached: false };
  if (row.value === undefined || !Number.isFinite(row.value)) return { verdict: 'NOT MET', aimReached: false };
  if (j.kind === 'at-most') return { verdict: row.value <= j.floor ? 'met' : 'NOT MET', aimReached: row.value <= j.aim };
  if (row.baseline === undefined || !(row.baseline > 0)) return { verdict: 'NOT MET', aimReached: false };
  const ratio = row.value / row.baseline;
  return { verdict: ratio >= j.floor ? 'met' : 'NOT MET', aimReached: ratio >= j.aim, ratio };
}

const formatNumber = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

/**
 * The bench table as text: one line per figure with its baseline, the ratio, the floor
 * and aim, and the verdict.
 *
 * @example
 * formatTable([{ part: '1', figure: 'page req/s', value: 9000, baseline: 10000, unit: 'req/s',
 *   judgement: { kind: 'ratio-at-least', floor: 0.5, aim: 0.8 } }])
 */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['part', 'figure', 'value', 'baseline', 'ratio', 'floor / aim', 'floor'];
  const lines = rows.map((row) => {
    const { verdict, aimReached, ratio } = judge(row);
    const j = row.judgement;
    const value = row.value === undefined ? 'n/a' : `${formatNumber(row.value)} ${row.unit}`;
    const baseline = row.baseline === undefined ? '' : `${formatNumber(row.baseline)} ${row.unit}${row.baselineLabel ? ` (${row.baselineLabel})` : ''}`;
    const bounds =
      j.kind === 'info' ? '' : j.kind === 'at-most' ? `<= ${formatNumber(j.floor)} / ${formatNumber(j.aim)} ${row.unit}` : `>= ${j.floor} / ${j.aim}`;
    const mark = verdict === 'met' && aimReached ? 'met (aim reached)' : verdict;
    return [row.part, row.figure, value, baseline, ratio === undefined ? '' : ratio.toFixed(2), bounds, mark];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const notes = rows.filter((r) => r.note).map((r) => `  part ${r.part}, ${r.figure}: ${r.note}`);
  return [render(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(render), ...(notes.length ? ['', 'Notes:', ...notes] : [])].join('\n');
}

/** True when every judged row meets its floor. */
export function allFloorsMet(rows: readonly BenchRow[]): boolean {
  return rows.every((row) => judge(row).verdict !== 'NOT MET');
}

/**
 * The limit of the full (1M) sync's peak RSS: "flat" is `growthRatio` times the 100k sync's
 * peak, plus what DuckDB's primary key index over the extra keys needs (measured in the same
 * run, see bench/key-index.ts): the one part of the process that must grow with the table.
 * Without a 100k peak to compare with, the cap alone.
 *
 * @example
 * fullSyncRssLimit({ baseMb: 229, indexGrowthMb: 80, growthRatio: 1.25, capMb: 250 }) // 366.25
 */
export function fullSyncRssLimit(input: { baseMb: number | undefined; indexGrowthMb: number; growthRatio: number; capMb: number }): number {
  if (input.baseMb === undefined) return input.capMb + Math.max(0, input.indexGrowthMb);
  return input.baseMb * input.growthRatio + Math.max(0, input.indexGrowthMb);
}
