import { utcSeconds } from './time-format.js';

// The numbers and pure functions that shape the initial dataset, shared by the reference
// generator (./dataset.ts) and the byte writer of the build (./fast-writer.ts). This module
// imports neither faker nor TypeBox, so a dataset worker starts without loading them.

/** The twelve major codes the generator draws from. */
export const MAJOR_CODES = [
  'PHIL', 'ECON', 'BIOL', 'ENGR', 'CHEM', 'PSYC',
  'HIST', 'MATH', 'CSCI', 'ENGL', 'NURS', 'BUSN',
] as const;

/** The first record's last_updated (2025-07-31 23:00:00, the hour of the hosted sample's); later records follow a few seconds apart. */
export const DATASET_START_EPOCH = utcSeconds(2025, 7, 31) + 23 * 3600;
export const SECONDS_PER_RECORD = 6;
export const ENROLLMENT_FROM = utcSeconds(2024, 8, 5);
export const ENROLLMENT_DAYS = 24;
export const LOGIN_TO = utcSeconds(2025, 7, 31);
// Tuned so the seed-42 600 land on the lab dashboard's figures (SPEC §2 "Records"):
// 34.3% at risk, mean GPA 3.06, mean completion 65.3%, mean engagement 56.0.
export const ADVISORS = 180;

/**
 * The GPA distribution of the lab's own dashboard (its GPA Distribution histogram): the
 * students per 0.2-wide bin from 1.0 to 4.0 as read off the lab's StudentSuccess.png. A
 * flat floor of small bins from 1.0 to 2.4, the mass from 2.6 to 3.4, a dip at 3.4–3.6
 * and the two tallest bins at 3.6–4.0 (mean 3.05).
 */
export const GPA_BIN_WEIGHTS = [17, 11, 19, 9, 16, 17, 15, 40, 80, 96, 91, 81, 42, 103, 113] as const;
const GPA_FLOOR = 1;
const GPA_WEIGHT_TOTAL = GPA_BIN_WEIGHTS.reduce((a, b) => a + b, 0);
/** Engagement is uniform over this range for every standing, as the lab's box plot shows (mean 56). */
export const ENGAGEMENT_RANGE = [12, 100] as const;
/**
 * Students are placed in blocks of this many: each block holds one GPA position and one
 * engagement position in every 1% of the distribution (in a seeded order), so any 600
 * consecutive students show the lab's histogram within a student or two per bin instead
 * of the several that independent draws would stray.
 */
export const PLACEMENT_BLOCK = 100;
// At-risk odds (logistic): higher with a lower GPA and with lower engagement.
const RISK_ODDS = { base: -1.11, perGpa: 2.5, perEngagement20: 1.2, meanGpa: 3.06, meanEngagement: 56 } as const;

/**
 * The GPA at share `u` of the lab's distribution (GPA_BIN_WEIGHTS): the bin by its
 * weight, then a hundredth inside it (the top bin holds 4.00 too).
 *
 * @example
 * gpaAt(0) // 1
 * gpaAt(0.999) // 4
 */
export function gpaAt(u: number): number {
  return gpaHundredthsAt(u) / 100;
}

/** gpaAt(u) in hundredths: a whole number from 100 to 400. */
export function gpaHundredthsAt(u: number): number {
  let rest = Math.min(Math.max(u, 0), 1 - 1e-12) * GPA_WEIGHT_TOTAL;
  let bin = 0;
  while (bin < GPA_BIN_WEIGHTS.length - 1 && rest >= GPA_BIN_WEIGHTS[bin]!) rest -= GPA_BIN_WEIGHTS[bin++]!;
  const hundredths = bin === GPA_BIN_WEIGHTS.length - 1 ? 21 : 20;
  const within = Math.min(hundredths - 1, Math.floor((rest / GPA_BIN_WEIGHTS[bin]!) * hundredths));
  return GPA_FLOOR * 100 + bin * 20 + within;
}

/** The chance that a student with this GPA and engagement is at risk. */
export const atRiskChance = (gpa: number, engagement: number) => {
  const o = RISK_ODDS;
  return 1 / (1 + Math.exp(-(o.base - o.perGpa * (gpa - o.meanGpa) - (o.perEngagement20 * (engagement - o.meanEngagement)) / 20)));
};
