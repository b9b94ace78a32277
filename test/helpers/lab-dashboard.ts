// The lab dashboard's charts as read off its screenshot (fixtures/lab-dashboard.json), and
// the comparisons the dataset and chart tests make against them, with their tolerances.
import { readFileSync } from 'node:fs';

interface Box {
  lower: number;
  q1: number;
  median: number;
  q3: number;
  upper: number;
}

/** fixtures/lab-dashboard.json: numbers we read off the lab's StudentSuccess.png. */
export const LAB = JSON.parse(readFileSync(new URL('../../fixtures/lab-dashboard.json', import.meta.url), 'utf8')) as {
  gpaHistogram: { from: number; binWidth: number; counts: number[]; axis: [number, number] };
  engagementByStanding: Record<string, Box>;
};

/** A bin's share may differ from the lab's by this many percentage points. */
export const BIN_SHARE_TOLERANCE_PP = 1.5;
/** Half the summed share differences (total variation) may be this many percentage points. */
export const HISTOGRAM_DISTANCE_TOLERANCE_PP = 4;
/** Standings with fewer students than this are too small for a stable median. */
export const MIN_STANDING_SIZE = 20;
/** Our quartiles may stray this far outside the range of the lab's twelve boxes. */
export const BOX_TOLERANCE = 5;

/** The lab's bins as shares of its students (its screenshot shows 750). */
export function labGpaShares(): number[] {
  const total = LAB.gpaHistogram.counts.reduce((a, b) => a + b, 0);
  return LAB.gpaHistogram.counts.map((c) => c / total);
}

/** Counts per lab bin (0.2 wide from 1.0; 4.0 in the top bin) of these GPAs; none may fall outside. */
export function gpaCountsInLabBins(gpas: number[]): number[] {
  const { from, binWidth, counts } = LAB.gpaHistogram;
  const ours = counts.map(() => 0);
  for (const gpa of gpas) {
    // Rounded before the floor: 1.2 / 0.2 is 5.999… in binary.
    const bin = Math.min(counts.length - 1, Math.floor(Number(((gpa - from) / binWidth).toFixed(6))));
    if (bin < 0) throw new Error(`GPA ${gpa} is below the lab's axis.`);
    ours[bin]! += 1;
  }
  return ours;
}

/** What a person sees when comparing our histogram with the lab's, and what is out of tolerance. */
export function compareGpaHistogram(counts: number[]): { problems: string[]; distancePp: number } {
  const lab = labGpaShares();
  const total = counts.reduce((a, b) => a + b, 0);
  const ours = counts.map((c) => c / total);
  const label = (i: number) => `${(LAB.gpaHistogram.from + i * LAB.gpaHistogram.binWidth).toFixed(1)}–${(LAB.gpaHistogram.from + (i + 1) * LAB.gpaHistogram.binWidth).toFixed(1)}`;
  const problems: string[] = [];
  ours.forEach((share, i) => {
    const diff = (share - lab[i]!) * 100;
    if (Math.abs(diff) > BIN_SHARE_TOLERANCE_PP) problems.push(`bin ${label(i)}: ${(share * 100).toFixed(1)}% against the lab's ${(lab[i]! * 100).toFixed(1)}%`);
  });
  const distancePp = (ours.reduce((s, share, i) => s + Math.abs(share - lab[i]!), 0) / 2) * 100;
  if (distancePp > HISTOGRAM_DISTANCE_TOLERANCE_PP) problems.push(`total variation ${distancePp.toFixed(1)} points`);
  // The shape a person sees: a flat floor from 1.0 to 2.4, a dip at 3.4–3.6, the two tallest bins at 3.6–4.0.
  const floor = ours.slice(0, 7);
  if (Math.min(...floor) < 0.008 || Math.max(...floor) > 0.035) problems.push(`the floor 1.0–2.4 is not flat and low: ${floor.map((s) => (s * 100).toFixed(1)).join(', ')}%`);
  if (!(ours[12]! < ours[11]! && ours[12]! < ours[13]!)) problems.push('no dip at 3.4–3.6');
  const tallest = ours.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 2).map(([, i]) => i).sort();
  if (tallest.join() !== '13,14') problems.push(`the two tallest bins are ${tallest.map(label).join(' and ')}, not 3.6–3.8 and 3.8–4.0`);
  return { problems, distancePp };
}

/** Every standing box of ours (with MIN_STANDING_SIZE students or more) against the lab's range of boxes. */
export function compareEngagementBoxes(boxes: { standing: string; count: number; q1: number; median: number; q3: number; min: number; max: number }[]): string[] {
  const lab = Object.values(LAB.engagementByStanding);
  const range = (key: keyof Box) => [Math.min(...lab.map((b) => b[key])) - BOX_TOLERANCE, Math.max(...lab.map((b) => b[key])) + BOX_TOLERANCE] as const;
  const problems: string[] = [];
  const judged = boxes.filter((b) => b.count >= MIN_STANDING_SIZE);
  if (judged.length < 8) problems.push(`only ${judged.length} standings have ${MIN_STANDING_SIZE}+ students`);
  for (const b of judged) {
    for (const key of ['q1', 'median', 'q3'] as const) {
      const [lo, hi] = range(key);
      if (b[key] < lo || b[key] > hi) problems.push(`${b.standing}: ${key} ${b[key].toFixed(1)} outside ${lo.toFixed(1)}–${hi.toFixed(1)}`);
    }
    if (b.min > range('lower')[1] || b.max < range('upper')[0]) problems.push(`${b.standing}: spread ${b.min}–${b.max} narrower than the lab's whiskers`);
  }
  const medians = judged.map((b) => b.median);
  const labMedians = lab.map((b) => b.median);
  const labSpread = Math.max(...labMedians) - Math.min(...labMedians);
  if (Math.max(...medians) - Math.min(...medians) > labSpread + BOX_TOLERANCE) {
    problems.push(`medians range ${Math.min(...medians).toFixed(1)}–${Math.max(...medians).toFixed(1)}, wider than the lab's ${labSpread.toFixed(1)} points`);
  }
  return problems;
}
