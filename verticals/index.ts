import { VERTICAL_PREFIXES, type VerticalDefinition, type VerticalPrefix } from './definition.js';
import { agr } from './agr.js';
import { cds } from './cds.js';
import { con } from './con.js';
import { cpg } from './cpg.js';
import { fpr } from './fpr.js';
import { fts } from './fts.js';
import { hed } from './hed.js';
import { hpt } from './hpt.js';
import { icp } from './icp.js';
import { met } from './met.js';
import { mso } from './mso.js';
import { phr } from './phr.js';
import { rdp } from './rdp.js';
import { spl } from './spl.js';
import { tlc } from './tlc.js';

export * from './definition.js';
export { compileVertical, formatTime, generateRecordJson, generateRecords, verticalChecksum, VerticalError, type CompiledVertical } from './generate.js';
export { computeKpi, formatKpi, kpiDelta, kpiSql } from './kpi.js';

/** Every vertical by prefix, in the lab's order. */
export const VERTICALS: Readonly<Record<VerticalPrefix, VerticalDefinition>> = { agr, cds, con, cpg, fpr, fts, hed, hpt, icp, met, mso, phr, rdp, spl, tlc };

/** The definitions in the lab's order. */
export const ALL_VERTICALS: readonly VerticalDefinition[] = VERTICAL_PREFIXES.map((p) => VERTICALS[p]);

/** Whether a string is one of the fifteen prefixes. */
export function isVerticalPrefix(text: string): text is VerticalPrefix {
  return (VERTICAL_PREFIXES as readonly string[]).includes(text);
}

/**
 * The verticals a `--verticals a,b` list names, in the lab's order; `all` (or nothing)
 * means every one. An unknown name throws with the list of valid ones.
 *
 * @example
 * parseVerticalList('hed,agr').map((v) => v.prefix) // ['agr', 'hed']
 */
export function parseVerticalList(list: string | undefined): VerticalDefinition[] {
  if (list === undefined || list.trim() === '' || list.trim() === 'all') return [...ALL_VERTICALS];
  const names = list.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  const unknown = names.filter((n) => !isVerticalPrefix(n));
  if (unknown.length > 0) {
    throw new RangeError(`Unknown vertical ${unknown.map((n) => `"${n}"`).join(', ')}; use a comma list of ${VERTICAL_PREFIXES.join(', ')}, or all.`);
  }
  return ALL_VERTICALS.filter((v) => names.includes(v.prefix));
}
export { describeField, verticalRecordSchema } from './schema.js';
export { verticalBuilder } from './build.js';
