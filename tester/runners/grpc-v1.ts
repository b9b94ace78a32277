// SDK 1.x (the lab's 1.7.0): the SDK's gRPC server, protocol v1 (package fivetran_sdk, service Connector).
import type { InstalledSdk } from '../sdk.js';
import type { SyncRunner } from '../sync-runner.js';
import { grpcRunner } from './grpc.js';

/**
 * The runner for a 1.x SDK.
 *
 * @example
 * grpcV1Runner({ python: '.venv/bin/python', version: '1.7.0', kind: 'grpc-v1' }).run(input, events)
 */
export function grpcV1Runner(sdk: InstalledSdk): SyncRunner {
  return grpcRunner('v1', sdk);
}
