// SDK 3.x: no gRPC server any more. tester/python/engine.py runs connector.py with the SDK's
// own in-process engine (fivetran-connector-sdk-core, as the user installed it: proprietary,
// imported and called, never copied), which writes warehouse.db and state.json itself. This
// side reads the engine's events (file descriptor 3) and passes the connector's lines on.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SyncCounts } from '../../output/progress.js';
import { chooseStartState, readStateFile, STATE_FILE } from '../../warehouse/index.js';
import { testerAssetDir } from '../protocol.js';
import { startPython, tailText } from '../python.js';
import type { InstalledSdk } from '../sdk.js';
import { noCounts, type SyncOutcome, type SyncRunner } from '../sync-runner.js';

/** One line of engine.py's event stream. */
export type EngineEvent =
  | { event: 'started'; sdk: string; core?: string }
  | { event: 'table'; table: string }
  | { event: 'log'; level: 'WARNING' | 'SEVERE'; message: string }
  | { event: 'checkpoint'; state: Record<string, unknown>; counts: SyncCounts }
  | { event: 'end'; ok: boolean; reason?: string; counts: SyncCounts }
  | { event: 'no_sdk' | 'no_connector'; message: string };

/**
 * Environment for the SDK's process: telemetry off (DO_NOT_TRACK, the opt-out the SDK's
 * telemetry reads) on top of the caller's.
 */
export function engineEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return { ...env, DO_NOT_TRACK: '1' };
}

/**
 * The failure reason of a failed update as the engine reports it (the SDK's message, then
 * the connector's traceback), cut to the first line and the last lines.
 *
 * @example
 * engineFailureReason('failed while executing update() error: 500\nTraceback...\n  raise X\nX: 500') // 'update() failed: 500\n  ...'
 */
export function engineFailureReason(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const first = (lines[0] ?? 'the connector failed').replace(/^failed while executing (\w+\(\)) error: /, '$1 failed: ');
  const last = lines.slice(1).filter((line) => !/^Traceback|: the message is above$/.test(line.trim())).slice(-6);
  return last.length === 0 ? first : `${first}\n${last.map((line) => `  ${line.trimEnd()}`).join('\n')}`;
}

/**
 * The runner for a 3.x SDK.
 *
 * @example
 * engineRunner({ python: '.venv-sdk3/bin/python', version: '3.0.0', kind: 'engine' }).run(input, events)
 */
export function engineRunner(sdk: InstalledSdk): SyncRunner {
  return {
    kind: 'engine',
    sdk,
    run(input, events) {
      let state: Record<string, unknown>;
      let warning: string | undefined;
      try {
        ({ state, warning } = input.state !== undefined ? { state: input.state } : chooseStartState(undefined, readStateFile(input.outputDir), join(input.outputDir, STATE_FILE)));
      } catch (error) {
        events.previousState(undefined);
        return Promise.resolve({ ok: false, reason: error instanceof Error ? error.message : String(error), counts: noCounts(), state: {} });
      }
      events.previousState(state, warning);
      const started = startPython(sdk.python, [join(testerAssetDir(), 'python', 'engine.py'), input.projectDir], {
        cwd: input.projectDir,
        env: { ...engineEnvironment(input.env), HED_TESTER_INPUT: JSON.stringify({ configuration: input.configuration, state, warehouse_dir: input.outputDir }) },
        extraPipes: 1,
      });
      const counts = noCounts();
      let committed = state;
      let end: { ok: boolean; reason?: string } | undefined;
      let refused: string | undefined;
      let begun = false;
      let why: 'silent' | 'startup' | 'aborted' | undefined;
      // Checkpoint callbacks run one after another, in the order the engine committed them.
      let chain = Promise.resolve();

      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => {
            why = begun ? 'silent' : 'startup';
            void started.stop();
          },
          begun ? input.silenceTimeoutMs : input.startupTimeoutMs,
        );
      };
      const onAbort = () => {
        why = 'aborted';
        void started.stop();
      };
      input.signal?.addEventListener('abort', onAbort, { once: true });
      if (input.signal?.aborted === true) onAbort();
      arm();

      const onLine = (line: string) => {
        if (begun) arm();
        started.remember(line);
        events.connectorLine(line);
      };
      createInterface({ input: started.child.stdout! }).on('line', onLine);
      createInterface({ input: started.child.stderr! }).on('line', onLine);
      const eventPipe = started.child.stdio[3];
      if (eventPipe !== null && eventPipe !== undefined && 'on' in eventPipe) {
        createInterface({ input: eventPipe as NodeJS.ReadableStream }).on('line', (text) => {
          let event: EngineEvent;
          try {
            event = JSON.parse(text) as EngineEvent;
          } catch {
            return;
          }
          arm();
          switch (event.event) {
            case 'started':
              begun = true;
              arm();
              break;
            case 'table':
              counts.schemaChanges++;
              chain = chain.then(() => events.tableCreated(event.table));
              break;
            case 'log':
              chain = chain.then(() => events.log(event.level, event.message));
              break;
            case 'checkpoint':
              Object.assign(counts, event.counts, { schemaChanges: counts.schemaChanges });
              committed = event.state;
              chain = chain.then(() => events.checkpoint(event.state, { ...counts }));
              break;
            case 'end':
              Object.assign(counts, event.counts, { schemaChanges: counts.schemaChanges });
              end = event.ok ? { ok: true } : { ok: false, reason: engineFailureReason(event.reason ?? '') };
              break;
            case 'no_sdk':
              refused = `fivetran_connector_sdk ${sdk.version} does not import in ${sdk.python} (${event.message}); reinstall it with ${sdk.python} -m pip install --force-reinstall fivetran-connector-sdk==${sdk.version}`;
              break;
            case 'no_connector':
              refused = `${event.message}${tailText(started.tail())}`;
              break;
          }
        });
      }

      return started.exited.then(async (code): Promise<SyncOutcome> => {
        clearTimeout(timer);
        input.signal?.removeEventListener('abort', onAbort);
        await started.stop();
        await chain;
        const spawnError = started.spawnError();
        const outcome = (reason?: string): SyncOutcome => (reason === undefined ? { ok: true, counts, state: committed } : { ok: false, reason, counts, state: committed });
        if (spawnError !== undefined) return outcome(`cannot run Python at ${sdk.python} (${spawnError.message}); pass --python with a Python that has fivetran-connector-sdk`);
        if (why === 'aborted') return outcome('interrupted; every checkpoint before this point is kept, run the same command to resume');
        if (why === 'silent') return outcome(`the connector sent nothing for ${Math.round(input.silenceTimeoutMs / 1000)} s (a request without a timeout, or a loop?); stopped it${tailText(started.tail())}`);
        if (why === 'startup') return outcome(`the connector did not start within ${Math.round(input.startupTimeoutMs / 1000)} s (connector.py may loop or block at import time)${tailText(started.tail())}`);
        if (refused !== undefined) return outcome(refused);
        if (end !== undefined) return outcome(end.ok ? undefined : end.reason);
        return outcome(`the connector's Python process ended (exit code ${code}) during ${begun ? 'update()' : 'start-up'}${tailText(started.tail())}`);
      });
    },
  };
}
