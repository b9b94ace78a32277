import type { FieldDefinition, VerticalDefinition } from './definition.js';
import { compileVertical, formatTime, VerticalError } from './generate.js';
import type { VerticalRandom } from './random.js';

type Value = string | number | boolean;

/** A record after a change: its JSON as served and its primary key. */
export interface ChangedRecord {
  json: string;
  recordId: string;
}

/** How a vertical's records change: updates of existing records and new records, both stamped with a change time. */
export interface VerticalChanges {
  /**
   * The record of `oldJson` after one change at `epoch`: its state (every field that moves
   * with the hidden risk factor, and every measurement) drawn again from `r`, its identity
   * (ids, names, enums that do not follow the risk, dates that are not change marks) kept,
   * and its change marks set to `epoch`.
   */
  update(oldJson: string, r: VerticalRandom, index: number, epoch: number): ChangedRecord;
  /** A new record number `index`, drawn from `r`, changed at `epoch`. */
  create(r: VerticalRandom, index: number, epoch: number): ChangedRecord;
  /** The change time (seconds) of a record's JSON: its epoch field. */
  epochOf(json: string): number;
}

/** The field that holds the change time in seconds (last_updated_epoch): the one drawn by the epoch generator. */
function epochField(definition: VerticalDefinition): number {
  const i = definition.fields.findIndex((f) => f.gen.kind === 'epoch');
  if (i < 0) throw new VerticalError(`${definition.prefix}: no field is drawn by the epoch generator, so a change has no time to carry; add last_updated_epoch.`);
  return i;
}

/** A date field that says when the record last changed (`last_updated…`): it moves with every change. */
export function isChangeMark(field: FieldDefinition): boolean {
  return field.gen.kind === 'epoch' || (field.gen.kind === 'date' && field.name.startsWith('last_updated'));
}

/** Whether a change draws the field again: what describes the record's state, not who or what it is. */
function changes(field: FieldDefinition): boolean {
  const gen = field.gen;
  switch (gen.kind) {
    case 'number':
    case 'boolean':
      return true;
    case 'integer':
    case 'enum':
    case 'date':
      return Boolean(gen.follows);
    default:
      return false;
  }
}

/**
 * The changes of a vertical's records, built on its definition's own draw (so a changed
 * record keeps the definition's formats and correlations): what the mock's
 * `POST /__admin/mutations` applies to a vertical other than HED. Pure: the same record,
 * stream, index and epoch give the same JSON.
 *
 * @example
 * const c = compileChanges(agr); c.update(json, createVerticalRandom(42, 'agr/mutations/1'), 0, 1748800000).json
 */
export function compileChanges(definition: VerticalDefinition): VerticalChanges {
  const compiled = compileVertical(definition);
  const fields = definition.fields;
  const epochAt = epochField(definition);
  const marks = fields.map((f, i) => (isChangeMark(f) && i !== epochAt ? { at: i, format: f.format?.kind === 'date' ? f.format.format : ('datetime' as const) } : undefined)).filter((m) => m !== undefined);
  const kept = fields.map((f, i) => (!changes(f) && !isChangeMark(f) ? i : -1)).filter((i) => i >= 0);
  const keyAt = fields.findIndex((f) => f.name === definition.primaryKey[0]);
  if (keyAt < 0) throw new VerticalError(`${definition.prefix}: the primary key ${definition.primaryKey[0]} is not a field.`);
  const values: Value[] = new Array<Value>(fields.length);

  const stamp = (epoch: number): ChangedRecord => {
    values[epochAt] = epoch;
    for (const mark of marks) values[mark.at] = formatTime(epoch, mark.format);
    return { json: compiled.json(values), recordId: String(values[keyAt]) };
  };

  return {
    update(oldJson, r, index, epoch) {
      const old = JSON.parse(oldJson) as Record<string, Value>;
      compiled.draw(r, index, values);
      for (const i of kept) values[i] = old[fields[i]!.name]!;
      return stamp(epoch);
    },
    create(r, index, epoch) {
      compiled.draw(r, index, values);
      return stamp(epoch);
    },
    epochOf(json) {
      return Number((JSON.parse(json) as Record<string, Value>)[fields[epochAt]!.name]);
    },
  };
}
