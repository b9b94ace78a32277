import type { HedRecord } from './record.js';

type Standing = HedRecord['academic_standing'];

/**
 * The hosted API's twelve standings as GPA bands, best first: a student's standing is the
 * first band whose floor their GPA reaches. Dean's List and Distinguished Scholar start at
 * 3.5, Academic Probation and Academic Suspension sit under 2.0; the bands in between
 * order the names as an advisor would read them (honours, then good, then warnings).
 */
export const STANDING_BANDS: readonly { standing: Standing; minGpa: number }[] = [
  { standing: 'Distinguished Scholar', minGpa: 3.8 },
  { standing: "Dean's List", minGpa: 3.5 },
  { standing: 'Honor Roll', minGpa: 3.3 },
  { standing: 'Excellent Standing', minGpa: 3.0 },
  { standing: 'Good Standing', minGpa: 2.7 },
  { standing: 'Satisfactory Progress', minGpa: 2.5 },
  { standing: 'Conditional Standing', minGpa: 2.4 },
  { standing: 'Academic Warning', minGpa: 2.25 },
  { standing: 'Warning Status', minGpa: 2.1 },
  { standing: 'Probationary Status', minGpa: 2.0 },
  { standing: 'Academic Probation', minGpa: 1.5 },
  { standing: 'Academic Suspension', minGpa: 0 },
];

/**
 * The standing a GPA earns (see STANDING_BANDS).
 *
 * @example
 * standingFor(3.62) // "Dean's List"
 */
export function standingFor(gpa: number): Standing {
  for (const band of STANDING_BANDS) if (gpa >= band.minGpa) return band.standing;
  return 'Academic Suspension';
}
