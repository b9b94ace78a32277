import type { HedRecord } from './record.js';
import {
  ADVISORS, atRiskChance, DATASET_START_EPOCH, ENGAGEMENT_RANGE, ENROLLMENT_DAYS, ENROLLMENT_FROM, gpaAt, LOGIN_TO, MAJOR_CODES,
  PLACEMENT_BLOCK, SECONDS_PER_RECORD,
} from './parameters.js';
import { createRandom, randomInt, randomNormal, randomPick, type Random } from './random.js';
import { standingFor } from './standing.js';
import { formatDateTime, formatLooseDateTime } from './time-format.js';

export { DATASET_START_EPOCH, GPA_BIN_WEIGHTS, gpaAt, PLACEMENT_BLOCK } from './parameters.js';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** "STU_2024" + 5 digits: a bijection on 0..99,999 so numbers look scattered; wider beyond. */
export function studentNumber(index: number): string {
  if (index < 100_000) return `STU_2024${String((index * 7919 + 12_345) % 100_000).padStart(5, '0')}`;
  return `STU_2024${index}`;
}

/** Where a student falls in the GPA and the engagement distribution, each a share in [0, 1). */
export interface Placement {
  gpa: number;
  engagement: number;
}

const engagementAt = (u: number) => round(ENGAGEMENT_RANGE[0] + u * (ENGAGEMENT_RANGE[1] - ENGAGEMENT_RANGE[0]), 1);

// Completion is only loosely tied to GPA (the lab's figures pair a 3.06 mean GPA with 65%
// completion): it follows the at-risk flag, with a wide spread on both sides.
const drawCompletion = (r: Random, atRisk: boolean) =>
  round(atRisk ? randomNormal(r, 0.49, 0.16, 0.05, 1) : randomNormal(r, 0.731, 0.14, 0.2, 1), 2);

/**
 * The placements of a dataset, one per call: blocks of PLACEMENT_BLOCK, each a seeded
 * shuffle of the 1% strata of GPA and of engagement, with a draw for the spot inside the
 * stratum. Both generators below call it over the same stream of draws. The returned
 * object is reused from call to call (drawStudent reads it at once).
 */
function stratifiedPlacements(r: Random): () => Placement {
  const gpaOrder = new Uint8Array(PLACEMENT_BLOCK);
  const engagementOrder = new Uint8Array(PLACEMENT_BLOCK);
  const shuffle = (order: Uint8Array) => {
    for (let k = 0; k < PLACEMENT_BLOCK; k++) order[k] = k;
    for (let k = PLACEMENT_BLOCK - 1; k > 0; k--) {
      const j = Math.floor(r.float() * (k + 1));
      const kept = order[k]!;
      order[k] = order[j]!;
      order[j] = kept;
    }
  };
  const placement: Placement = { gpa: 0, engagement: 0 };
  let k = PLACEMENT_BLOCK;
  return () => {
    if (k === PLACEMENT_BLOCK) {
      shuffle(gpaOrder);
      shuffle(engagementOrder);
      k = 0;
    }
    placement.gpa = (gpaOrder[k]! + r.float()) / PLACEMENT_BLOCK;
    placement.engagement = (engagementOrder[k]! + r.float()) / PLACEMENT_BLOCK;
    k += 1;
    return placement;
  };
}

/**
 * Draws one plausible student at `placement` (random when not given, as for students
 * created later). GPA and engagement are independent, so every standing shows about the
 * same engagement; a student is more likely at risk with a lower GPA or lower
 * engagement, so at-risk students have lower GPA, engagement and completion; earned hours
 * track completion. The draw order is part of the dataset's identity: changing it
 * changes the seed-42 checksum.
 */
export function drawStudent(r: Random, index: number, lastUpdatedEpoch: number, placement: Placement = { gpa: r.float(), engagement: r.float() }): HedRecord {
  const record_id = r.uuid();
  const gpa = gpaAt(placement.gpa);
  const engagement = engagementAt(placement.engagement);
  const atRisk = r.float() < atRiskChance(gpa, engagement);
  const completion = drawCompletion(r, atRisk);
  const attempted = randomInt(r, 4, 10) * 3;
  const earned = Math.min(attempted, Math.round(attempted * completion));
  const loginAgoDays = atRisk ? r.float() * 40 : r.float() * 10;
  const plagiarismDraw = r.float();
  const aidDraw = r.float();
  return {
    record_id,
    student_id: studentNumber(index),
    enrollment_date: formatLooseDateTime(ENROLLMENT_FROM + randomInt(r, 0, ENROLLMENT_DAYS) * 86_400),
    academic_standing: standingFor(gpa),
    current_gpa: gpa,
    credit_hours_attempted: attempted,
    credit_hours_earned: earned,
    major_code: randomPick(r, MAJOR_CODES),
    advisor_id: `ADV_${String(1000 + randomInt(r, 0, ADVISORS - 1))}`,
    financial_aid_amount: aidDraw < 0.22 ? 0 : round(500 + r.float() * 24_500, 2),
    last_login_date: formatDateTime(LOGIN_TO - Math.floor(loginAgoDays * 86_400)),
    total_course_views: Math.max(0, Math.round(engagement * 6 + randomNormal(r, 0, 40))),
    assignment_submissions: Math.max(0, Math.round(completion * 40 + randomNormal(r, 0, 3))),
    discussion_posts: Math.max(0, Math.round(engagement / 4 + randomNormal(r, 0, 4))),
    avg_assignment_score: round(randomNormal(r, 45 + gpa * 12, 6, 0, 100), 1),
    course_completion_rate: completion,
    plagiarism_incidents: plagiarismDraw < 0.93 ? 0 : plagiarismDraw < 0.985 ? 1 : 2,
    writing_quality_score: round(randomNormal(r, 50 + gpa * 9, 9, 0, 100), 1),
    engagement_score: engagement,
    at_risk_flag: atRisk,
    intervention_count: atRisk ? randomInt(r, 1, 5) : r.float() < 0.15 ? 1 : 0,
    last_updated: formatDateTime(lastUpdatedEpoch),
    last_updated_epoch: lastUpdatedEpoch,
  };
}

/**
 * The initial dataset of `count` students for `seed`, in change-sequence order. Record i
 * is the same whatever the count, so `--students 1000` starts with the 600 of the default.
 *
 * @example
 * for (const record of generateStudents(42, 600)) store.insert(record)
 */
export function* generateStudents(seed: number, count: number): Generator<HedRecord> {
  const r = createRandom(seed);
  const nextPlacement = stratifiedPlacements(r);
  for (let i = 0; i < count; i++) {
    const epoch = DATASET_START_EPOCH + i * SECONDS_PER_RECORD + Math.floor(r.float() * SECONDS_PER_RECORD);
    yield drawStudent(r, i, epoch, nextPlacement());
  }
}

/**
 * A later state of the same student: the term went on, so activity grows, GPA and
 * engagement drift, and standing follows. record_id and student_id stay.
 */
export function advanceStudent(previous: HedRecord, r: Random, lastUpdatedEpoch: number): HedRecord {
  const gpa = round(Math.min(4, Math.max(0, previous.current_gpa + randomNormal(r, 0, 0.25))), 2);
  const engagement = round(Math.min(100, Math.max(0, previous.engagement_score + randomNormal(r, 0, 8))), 1);
  const atRisk = gpa < 2.2 || engagement < 45 ? r.float() < 0.8 : r.float() < 0.08;
  const completion = round(Math.min(1, Math.max(0, previous.course_completion_rate + randomNormal(r, 0, 0.05))), 2);
  const attempted = previous.credit_hours_attempted + (r.float() < 0.3 ? 3 : 0);
  return {
    ...previous,
    academic_standing: standingFor(gpa),
    current_gpa: gpa,
    credit_hours_attempted: attempted,
    credit_hours_earned: Math.min(attempted, Math.max(previous.credit_hours_earned, Math.round(attempted * completion))),
    last_login_date: formatDateTime(lastUpdatedEpoch - randomInt(r, 60, 86_400)),
    total_course_views: previous.total_course_views + randomInt(r, 1, 60),
    assignment_submissions: previous.assignment_submissions + randomInt(r, 0, 4),
    discussion_posts: previous.discussion_posts + randomInt(r, 0, 5),
    avg_assignment_score: round(Math.min(100, Math.max(0, previous.avg_assignment_score + randomNormal(r, 0, 3))), 1),
    course_completion_rate: completion,
    engagement_score: engagement,
    at_risk_flag: atRisk,
    intervention_count: previous.intervention_count + (atRisk && r.float() < 0.5 ? 1 : 0),
    last_updated: formatDateTime(lastUpdatedEpoch),
    last_updated_epoch: lastUpdatedEpoch,
  };
}

/**
 * `JSON.stringify(record)` for a record of this generator, byte for byte, in about half
 * the time: the keys are known and in order, and every string field comes from a fixed
 * alphabet (hex, digits, dates, the standing and major lists) that JSON never escapes.
 * Records from anywhere else go through JSON.stringify.
 *
 * @example
 * studentJson(record) === JSON.stringify(record) // true
 */
export function studentJson(r: HedRecord): string {
  return `{"record_id":"${r.record_id}","student_id":"${r.student_id}","enrollment_date":"${r.enrollment_date}",` +
    `"academic_standing":"${r.academic_standing}","current_gpa":${r.current_gpa},` +
    `"credit_hours_attempted":${r.credit_hours_attempted},"credit_hours_earned":${r.credit_hours_earned},` +
    `"major_code":"${r.major_code}","advisor_id":"${r.advisor_id}","financial_aid_amount":${r.financial_aid_amount},` +
    `"last_login_date":"${r.last_login_date}","total_course_views":${r.total_course_views},` +
    `"assignment_submissions":${r.assignment_submissions},"discussion_posts":${r.discussion_posts},` +
    `"avg_assignment_score":${r.avg_assignment_score},"course_completion_rate":${r.course_completion_rate},` +
    `"plagiarism_incidents":${r.plagiarism_incidents},"writing_quality_score":${r.writing_quality_score},` +
    `"engagement_score":${r.engagement_score},"at_risk_flag":${r.at_risk_flag},` +
    `"intervention_count":${r.intervention_count},"last_updated":"${r.last_updated}",` +
    `"last_updated_epoch":${r.last_updated_epoch}}`;
}

/**
 * A record's values only, as a JSON array in field order: what the store keeps. The keys
 * are two thirds of a record's JSON, so a million records take about 250 MB instead of
 * 670 MB; studentJsonFromValues puts them back.
 *
 * @example
 * studentValuesJson(record) // '["fb9220d9-…","STU_202412345",…,1754006403]'
 */
export function studentValuesJson(r: HedRecord): string {
  return `["${r.record_id}","${r.student_id}","${r.enrollment_date}","${r.academic_standing}",${r.current_gpa},` +
    `${r.credit_hours_attempted},${r.credit_hours_earned},"${r.major_code}","${r.advisor_id}",${r.financial_aid_amount},` +
    `"${r.last_login_date}",${r.total_course_views},${r.assignment_submissions},${r.discussion_posts},` +
    `${r.avg_assignment_score},${r.course_completion_rate},${r.plagiarism_incidents},${r.writing_quality_score},` +
    `${r.engagement_score},${r.at_risk_flag},${r.intervention_count},"${r.last_updated}",${r.last_updated_epoch}]`;
}

/**
 * studentJson of the record whose studentValuesJson is `values`, without parsing: no value
 * of this generator holds a comma, so the array splits on commas.
 *
 * @example
 * studentJsonFromValues(studentValuesJson(record)) === studentJson(record) // true
 */
export function studentJsonFromValues(values: string): string {
  const v = values.slice(1, -1).split(',');
  return `{"record_id":${v[0]},"student_id":${v[1]},"enrollment_date":${v[2]},"academic_standing":${v[3]},` +
    `"current_gpa":${v[4]},"credit_hours_attempted":${v[5]},"credit_hours_earned":${v[6]},"major_code":${v[7]},` +
    `"advisor_id":${v[8]},"financial_aid_amount":${v[9]},"last_login_date":${v[10]},"total_course_views":${v[11]},` +
    `"assignment_submissions":${v[12]},"discussion_posts":${v[13]},"avg_assignment_score":${v[14]},` +
    `"course_completion_rate":${v[15]},"plagiarism_incidents":${v[16]},"writing_quality_score":${v[17]},` +
    `"engagement_score":${v[18]},"at_risk_flag":${v[19]},"intervention_count":${v[20]},"last_updated":${v[21]},` +
    `"last_updated_epoch":${v[22]}}`;
}
