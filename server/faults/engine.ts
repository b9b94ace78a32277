import { createRandom, type Random } from '../../verticals/hed/random.js';
import type { FaultList, FaultRule, FaultRuleInput } from '../../api/faults.js';
import { decideFaults, type Counters, type FaultDecision, type RequestFacts } from './decide.js';
import { FaultRuleError, FaultRuleIdTaken, validateRule } from './rules.js';
import type { LoadedScenario } from './scenarios.js';

/** Milliseconds since the epoch; tests pass a fake one. */
export type Clock = () => number;

export interface FaultEngine {
  /** The rules in the order they are checked. */
  rules(): readonly FaultRule[];
  /** The rules with their counters, as `GET /__admin/faults` shows them. */
  list(): FaultList;
  /** Validates and appends rules; ids are generated for rules without one. All or nothing. */
  add(inputs: unknown[]): FaultRule[];
  /** Removes one rule; false when there is none with that id. */
  remove(id: string): boolean;
  /** Replaces every rule with a scenario's, each scoped to `path` when one is given; counters start over. */
  load(scenario: LoadedScenario, path?: string): void;
  /** No rules, no counters, no scenario. */
  clear(): void;
  /** The decision for one request; counters advance. */
  decide(facts: RequestFacts): FaultDecision;
}

/**
 * The stateful shell around `decideFaults`: it owns the rules, the counters, one random
 * stream per rule (`createRandom(seed, 'faults', ruleId)`) and the clock, so the same
 * rules and seed give the same schedule on every run.
 *
 * `paths` are the data paths the server serves: a rule scoped to another is refused
 * (absent: any data path is taken).
 *
 * @example
 * const engine = createFaultEngine(42, Date.now);
 * engine.add([{ status: 503, times: 3 }]);
 * engine.decide({ page: 'first', cursorValid: false }).action?.kind // 'status'
 */
export function createFaultEngine(seed: number, clock: Clock, paths?: readonly string[]): FaultEngine {
  let rules: FaultRule[] = [];
  let counters: Counters = {};
  let streams = new Map<string, Random>();
  let scenario: string | null = null;
  let generated = 0;

  const randomFor = (id: string) => {
    let r = streams.get(id);
    if (!r) streams.set(id, (r = createRandom(seed, 'faults', id)));
    return r;
  };
  const withIds = (inputs: unknown[], where: (i: number) => string): FaultRule[] => {
    const taken = new Set(rules.map((r) => r.id));
    // Ids are generated after every rule is valid, so a refused list consumes none.
    const valid = inputs.map((input, i) => servedPath(validateRule(input, where(i)), where(i)));
    valid.forEach((rule, i) => {
      if (rule.id === undefined) return;
      if (taken.has(rule.id)) {
        throw new FaultRuleIdTaken(`${where(i)}.id`, `${where(i)}.id "${rule.id}" is already in use; pick another id or DELETE /__admin/faults/${rule.id} first.`);
      }
      taken.add(rule.id);
    });
    return valid.map((rule) => {
      let id = rule.id;
      if (id === undefined) {
        do id = `rule-${++generated}`;
        while (taken.has(id));
        taken.add(id);
      }
      return { ...rule, id };
    });
  };
  const servedPath = (rule: FaultRuleInput, where: string): FaultRuleInput => {
    if (rule.path === undefined || paths === undefined || paths.includes(rule.path)) return rule;
    const at = where === 'rule' ? 'path' : `${where}.path`;
    throw new FaultRuleError(at, `${at} "${rule.path}" is not served by this server; use one of ${paths.join(', ')}, or leave path out for every data path.`);
  };
  const clear = () => {
    rules = [];
    counters = {};
    streams = new Map();
    scenario = null;
    generated = 0;
  };

  return {
    rules: () => rules,
    list: () => ({
      scenario,
      rules: rules.map((rule) => ({ rule, matched: counters[rule.id]?.matched ?? 0, fired: counters[rule.id]?.fired ?? 0 })),
    }),
    add(inputs) {
      const added = withIds(inputs, (i) => (inputs.length === 1 ? 'rule' : `rules[${i}]`));
      rules = [...rules, ...added];
      return added;
    },
    remove(id) {
      const before = rules.length;
      rules = rules.filter((r) => r.id !== id);
      const rest = { ...counters };
      delete rest[id];
      counters = rest;
      streams.delete(id);
      return rules.length < before;
    },
    load(loaded, path) {
      // Scenario rules are named after the scenario, so journals read "flaky-2", not "rule-7".
      const prefix = loaded.name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 50);
      const scoped = loaded.rules.map((r, i) => ({ ...r, ...(r.id ? {} : { id: `${prefix}-${i + 1}` }), ...(path === undefined ? {} : { path }) }));
      // Checked before the old rules go: a refused scenario leaves the engine as it was.
      const checked = scoped.map((r, i) => servedPath(validateRule(r, `rules[${i}]`), `rules[${i}]`));
      clear();
      rules = withIds(checked, (i) => `rules[${i}]`);
      scenario = loaded.name;
    },
    clear,
    decide(facts) {
      if (rules.length === 0) return { delayMs: 0, applied: [] };
      const result = decideFaults(rules, facts, counters, randomFor, clock());
      counters = result.counters;
      return result.decision;
    },
  };
}
