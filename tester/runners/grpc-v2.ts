// SDK 2.x: the SDK's gRPC server, protocol v2 (package fivetran_sdk.v2, service SourceConnector).
import type { InstalledSdk } from '../sdk.js';
import type { SyncRunner } from '../sync-runner.js';
import { grpcRunner } from './grpc.js';

/**
 * The runner for a 2.x SDK.
 *
 * @example
 * grpcV2Runner({ python: '.venv-sdk2/bin/python', version: '2.13.1', kind: 'grpc-v2' }).run(input, events)
 */
export function grpcV2Runner(sdk: InstalledSdk): SyncRunner {
  return grpcRunner('v2', sdk);
}
