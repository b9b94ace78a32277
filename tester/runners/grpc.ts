// What the gRPC runners (SDK 1.x: protocol v1, 2.x: v2) share: Python runs connector.py with
// the SDK's own gRPC server (tester/python/launch.py); this side calls Schema then Update and
// commits what streams back into our warehouse, a group of checkpoints at a time.
import type * as grpc from '@grpc/grpc-js';
import { addCommitCounts, type SyncCounts } from '../../output/progress.js';
import type { Destination, TableDeclaration, WarehouseOperation } from '../../warehouse/index.js';
import { createGroupCommitter } from '../group-commit.js';
import { connectConnector, decimalParamsOf, eventsOfUpdateResponse, tablesFromWire, wireTablesOf, type ConnectorClient, type ProtocolVersion, type WireSchemaResponse } from '../protocol.js';
import { parseCheckpointState } from '../checkpoint-state.js';
import { LaunchError, launchConnector, tailText, type LaunchedConnector } from '../python.js';
import type { InstalledSdk } from '../sdk.js';
import { noCounts, type SyncOutcome, type SyncRunEvents, type SyncRunInput, type SyncRunner } from '../sync-runner.js';

/** Defaults of the gRPC runners, in one block. */
export const GRPC_DEFAULTS = {
  /** Schema() must answer within this. */
  schemaTimeoutMs: 120_000,
  /** Operations waiting for a commit before reading from the connector pauses. */
  maxQueuedOperations: 50_000,
  /** Operations held in memory before their checkpoint; beyond it they are staged (the warehouse's spill file, uncommitted), and reading waits while this many wait to be staged. */
  stageRows: 5_000,
} as const;

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The reason for a failed Update stream: the connector's own error (1.7.0 sends its
 * traceback in the status details) cut to its last lines, or what happened to the process.
 */
export function updateFailureReason(error: { code?: number; details?: string; message?: string }, exitCode: string | undefined, tail: readonly string[], phase: 'schema()' | 'update()' = 'update()'): string {
  const details = (error.details ?? error.message ?? '').trim();
  if (exitCode !== undefined && exitCode !== 'null') {
    return `the connector's Python process ended (exit code ${exitCode}) during ${phase}${tailText(tail)}`;
  }
  const lines = details.split('\n').filter((line) => line.trim() !== '');
  const first = lines[0]?.replace(/^Exception iterating responses: /, '') ?? 'the connector failed';
  const last = lines.slice(1).slice(-6);
  return last.length === 0 ? `${phase} failed: ${first}` : `${phase} failed: ${first}\n${last.map((line) => `  ${line.trimEnd()}`).join('\n')}`;
}

function callSchema(client: ConnectorClient, configuration: Record<string, string>, timeoutMs: number): Promise<WireSchemaResponse> {
  return new Promise((resolvePromise, reject) => {
    client.Schema({ configuration }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error !== null) reject(error);
      else resolvePromise(response ?? {});
    });
  });
}

/** The exit code when the Python process ended on its own within a moment, else undefined. */
async function settleExit(launched: LaunchedConnector): Promise<string | undefined> {
  return Promise.race([launched.exited, new Promise<undefined>((done) => setTimeout(() => done(undefined), 300))]);
}

/** One sync over gRPC: the phases below share this. */
interface Session {
  input: SyncRunInput;
  events: SyncRunEvents;
  counts: SyncCounts;
  state: Record<string, unknown>;
  destination?: Destination;
  launched?: LaunchedConnector;
  client?: ConnectorClient;
  known: Set<string>;
  decimals: Map<string, { precision: number; scale: number }>;
  sdkVersion: string;
}

const aborted = (s: Session) => s.input.signal?.aborted === true;

async function finish(s: Session, reason?: string): Promise<SyncOutcome> {
  s.client?.close();
  await s.launched?.stop();
  await s.destination?.close().catch(() => undefined);
  return reason === undefined ? { ok: true, counts: s.counts, state: s.state } : { ok: false, reason, counts: s.counts, state: s.state };
}

async function declare(s: Session, tables: TableDeclaration[]): Promise<void> {
  const fresh = tables.filter((table) => !s.known.has(table.table));
  if (fresh.length === 0) return;
  for (const table of fresh) s.known.add(table.table);
  const made = await s.destination!.declare(fresh);
  s.counts.schemaChanges += made.schemaChanges;
  for (const table of made.created) s.events.tableCreated(table);
}

/** Phase 1: Python starts (held lines) while DuckDB loads and the start state is read. */
async function launchAndOpen(s: Session, protocol: ProtocolVersion, python: string): Promise<string | undefined> {
  const { input, events } = s;
  const held: string[] = [];
  let holding = true;
  const stopLaunch = new AbortController();
  const onAbort = () => stopLaunch.abort();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  // The state goes in the Update request (the SDK reads request.state_json when its own is empty).
  const launching = launchConnector({
    python,
    projectDir: input.projectDir,
    configuration: input.configuration,
    state: {},
    env: input.env,
    startupTimeoutMs: input.startupTimeoutMs,
    sdkVersion: s.sdkVersion,
    onLine: (line) => (holding ? held.push(line) : events.connectorLine(line)),
    signal: stopLaunch.signal,
  });
  launching.catch(() => undefined);
  const release = () => {
    holding = false;
    for (const line of held.splice(0)) events.connectorLine(line);
  };
  try {
    const { openDestination } = await import('../../warehouse/index.js');
    s.destination = await openDestination(input.outputDir, { typeText: true });
    const start = await s.destination.startState();
    s.state = input.state ?? start.state;
    events.previousState(s.state, start.warning);
  } catch (error) {
    events.previousState(undefined);
    stopLaunch.abort();
    s.launched = await launching.catch(() => undefined);
    input.signal?.removeEventListener('abort', onAbort);
    return errorMessage(error);
  }
  release();
  try {
    s.launched = await launching;
  } catch (error) {
    return error instanceof LaunchError ? error.reason : errorMessage(error);
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
  }
  if (s.launched.protocol !== protocol) {
    return `the SDK in ${python} answered with gRPC protocol ${s.launched.protocol}, where its version says ${protocol}; reinstall fivetran-connector-sdk in that Python`;
  }
  s.client = connectConnector(s.launched.port, s.launched.protocol);
  events.log('INFO', `The SDK's gRPC server listens on 127.0.0.1:${s.launched.port}; writing to ${s.destination.path}`);
  return undefined;
}

/** Phase 2: Schema, and the tables it declares. */
async function schemaPhase(s: Session): Promise<string | undefined> {
  try {
    const schema = await callSchema(s.client!, s.input.configuration, GRPC_DEFAULTS.schemaTimeoutMs);
    const wireTables = wireTablesOf(schema);
    s.decimals = decimalParamsOf(wireTables);
    await declare(s, tablesFromWire(wireTables));
    return undefined;
  } catch (error) {
    if (aborted(s)) return 'interrupted';
    const exit = await settleExit(s.launched!);
    return updateFailureReason(error as grpc.ServiceError, exit, s.launched!.tail(), 'schema()');
  }
}

/** Phase 3: Update streamed into the warehouse, one transaction per group of checkpoints. */
async function updatePhase(s: Session): Promise<string | undefined> {
  const { input, events } = s;
  const destination = s.destination!;
  const launched = s.launched!;
  const batch: WarehouseOperation[] = [];
  // Operations handed to the committer ahead of their checkpoint (staged: written, not committed).
  let ahead = 0;
  const committer = createGroupCommitter({
    commit: (operations, nextState) => destination.commit(operations, nextState, new Date()),
    ...(destination.stage === undefined ? {} : { stage: (operations: readonly WarehouseOperation[]) => destination.stage!(operations, new Date()) }),
    stageRows: GRPC_DEFAULTS.stageRows,
    async committed(states, written) {
      addCommitCounts(s.counts, written);
      for (const committedState of states) {
        s.state = committedState;
        s.counts.checkpoints++;
        await events.checkpoint(s.state, { ...s.counts });
      }
    },
  });

  const call = s.client!.Update({ configuration: input.configuration, state_json: JSON.stringify(s.state) });
  let silent = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      call.cancel();
    }, input.silenceTimeoutMs);
  };
  const cancelUpdate = () => call.cancel();
  input.signal?.addEventListener('abort', cancelUpdate, { once: true });
  try {
    arm();
    for await (const response of call) {
      clearTimeout(timer);
      for (const event of eventsOfUpdateResponse(response, s.decimals)) {
        if (event.kind === 'operation') {
          if (!s.known.has(event.operation.table)) await declare(s, [{ table: event.operation.table, primaryKey: [] }]);
          batch.push(event.operation);
          // A connector that waits long before its checkpoint: its rows go to DuckDB, uncommitted, instead of piling up here.
          if (batch.length >= GRPC_DEFAULTS.stageRows) {
            ahead += batch.length;
            committer.add(batch.splice(0));
            // Staging goes to disk at its own pace: what waits for it stays near stageRows, whatever the connector's lead.
            if (committer.queued() >= GRPC_DEFAULTS.stageRows) await committer.idle();
          }
        } else if (event.kind === 'checkpoint') {
          ahead = 0;
          committer.checkpoint(batch.splice(0), parseCheckpointState(event.stateJson));
          if (committer.failure() !== undefined) throw committer.failure();
          // Bound what waits in memory when the disk is slower than the connector.
          if (committer.queued() > GRPC_DEFAULTS.maxQueuedOperations) await committer.idle();
        } else if (event.kind === 'tables') {
          await declare(s, event.tables);
        } else {
          events.log(event.level, event.message);
        }
      }
      arm();
    }
    clearTimeout(timer);
    await committer.drain();
    // Operations after the last checkpoint: committed with the state unchanged.
    if (batch.length > 0 || ahead > 0) addCommitCounts(s.counts, await destination.commit(batch.splice(0), s.state, new Date()));
    return undefined;
  } catch (error) {
    clearTimeout(timer);
    // What the connector checkpointed before the failure is kept.
    const commitFailure = await committer.drain().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (commitFailure !== undefined) return errorMessage(commitFailure);
    const pending = batch.length + ahead;
    if (pending > 0) events.log('WARNING', `${pending} operations after the last checkpoint were not written; the next sync starts from the last checkpoint.`);
    if (aborted(s)) return 'interrupted; every checkpoint before this point is kept, run the same command to resume';
    if (silent) return `the connector sent nothing for ${Math.round(input.silenceTimeoutMs / 1000)} s (a request without a timeout, or a loop?); stopped it${tailText(launched.tail())}`;
    if ((error as grpc.ServiceError).code === undefined) return errorMessage(error);
    const exit = await settleExit(launched);
    return updateFailureReason(error as grpc.ServiceError, exit, launched.tail());
  } finally {
    input.signal?.removeEventListener('abort', cancelUpdate);
  }
}

/**
 * A runner for an SDK that serves the given gRPC protocol (v1: 1.x, v2: 2.x).
 *
 * @example
 * const runner = grpcRunner('v1', { python: '.venv/bin/python', version: '1.7.0', kind: 'grpc-v1' });
 */
export function grpcRunner(protocol: ProtocolVersion, sdk: InstalledSdk): SyncRunner {
  return {
    kind: protocol === 'v1' ? 'grpc-v1' : 'grpc-v2',
    sdk,
    async run(input, events) {
      const s: Session = { input, events, counts: noCounts(), state: {}, known: new Set(), decimals: new Map(), sdkVersion: sdk.version };
      const failed = (await launchAndOpen(s, protocol, sdk.python)) ?? (await schemaPhase(s)) ?? (await updatePhase(s));
      return finish(s, failed);
    },
  };
}
