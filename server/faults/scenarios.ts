import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { Scenario, type FaultRuleInput } from '../../api/faults.js';
import { FaultRuleError, validateRule } from './rules.js';

/** A scenario that cannot be loaded: unknown name, unreadable file or bad rule. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export interface LoadedScenario {
  name: string;
  description: string;
  rules: FaultRuleInput[];
}

/**
 * fixtures/scenarios of the package, found by walking up from this module, so it is the
 * same folder whether the server runs from server/ (tsx) or dist/server/ (built).
 */
export function scenariosDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'fixtures', 'scenarios');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new ScenarioError('The folder fixtures/scenarios was not found above the server code; reinstall the package.');
    dir = parent;
  }
}

/**
 * The scenario names available, sorted.
 *
 * @example
 * listScenarios() // ['auth-expiry', 'chaos', 'connection-reset', ...]
 */
export function listScenarios(dir = scenariosDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Reads a scenario by name (fixtures/scenarios/NAME.json) or by file path (anything with
 * a slash or ending in .json), and validates every rule.
 *
 * @example
 * loadScenario('flaky').rules // [{ status: 503, times: 3, ... }, ...]
 */
export function loadScenario(nameOrPath: string, dir?: string): LoadedScenario {
  const isPath = /[\\/]/.test(nameOrPath) || nameOrPath.endsWith('.json');
  let file: string;
  if (isPath) {
    file = resolve(nameOrPath);
    if (!existsSync(file)) throw new ScenarioError(`The scenario file ${file} does not exist. Give a path to a JSON scenario file or a name (${listScenarios(dir ?? scenariosDir()).join(', ')}).`);
  } else {
    const folder = dir ?? scenariosDir();
    const names = listScenarios(folder);
    if (!names.includes(nameOrPath)) {
      throw new ScenarioError(`There is no scenario "${nameOrPath}". Valid names: ${names.join(', ')} (--scenario also takes a path to a scenario JSON file).`);
    }
    file = join(folder, `${nameOrPath}.json`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ScenarioError(`The scenario file ${file} is not valid JSON (${(err as Error).message}).`);
  }
  const where = isPath ? file : `scenario "${nameOrPath}"`;
  // The Scenario schema first; its rules are checked one by one below, for sentences naming the rule's field.
  const errors = [...Value.Errors(Scenario, data)].filter((e) => !/^\/rules\/\d/.test(e.path));
  const first = errors.find((e) => e.path === '' || e.path === '/rules') ?? errors.find((e) => e.path === '/description') ?? errors[0];
  if (first !== undefined) {
    if (first.path === '' || first.path === '/rules') throw new ScenarioError(`${where} must be an object {"description": "...", "rules": [ ... ]}.`);
    if (first.path === '/description') throw new ScenarioError(`${where} needs a one-line "description".`);
    if (first.type === ValueErrorType.ObjectAdditionalProperties) throw new ScenarioError(`${where}: "${first.path.slice(1)}" is not a scenario field; use name, description and rules.`);
    throw new ScenarioError(`${where}: ${first.path.slice(1)} ${first.message.toLowerCase()}.`);
  }
  const { description, rules } = data as { description: string; rules: unknown[] };
  if (description.trim() === '') throw new ScenarioError(`${where} needs a one-line "description".`);
  try {
    return { name: isPath ? basename(file).replace(/\.json$/, '') : nameOrPath, description, rules: rules.map((r, i) => validateRule(r, `rules[${i}]`)) };
  } catch (err) {
    if (err instanceof FaultRuleError) throw new ScenarioError(`${where}: ${err.message}`);
    throw err;
  }
}
