// The state a connector checkpoints, checked where it arrives: a JSON object, or a sentence
// saying what is wrong with it. Python's json.dumps writes NaN, Infinity and -Infinity for
// such floats, which JSON does not allow, so a float('nan') in the state is the usual cause.

const NOT_JSON_NUMBERS = /(?<![\w"])(-?Infinity|NaN)(?![\w"])/;

/**
 * Parses the state_json of a checkpoint; throws an Error whose message says why it cannot
 * be a state and what to pass instead.
 *
 * @example
 * parseCheckpointState('{"cursor": "c1"}') // { cursor: 'c1' }
 * parseCheckpointState('{"gpa": NaN}')     // throws: ... is not JSON: Python wrote the float NaN ...
 */
export function parseCheckpointState(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const shown = text.length > 200 ? `${text.slice(0, 197)}...` : text;
    const nonFinite = NOT_JSON_NUMBERS.exec(text)?.[1];
    const why = nonFinite !== undefined
      ? `Python wrote the float ${nonFinite} into it (json.dumps allows float('nan') and float('inf'), JSON does not). Keep such values out of the state: store None or a string instead`
      : `${(error as Error).message}. Pass a dict of JSON values (str, int, float, bool, None, lists and dicts of them) to op.checkpoint(state=...)`;
    throw new Error(`The connector checkpointed a state that is not JSON: ${shown}. ${why}; the checkpoint was not saved.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`The connector checkpointed ${text}, not a JSON object; pass a dict to op.checkpoint(state=...).`);
  return value as Record<string, unknown>;
}
