#!/usr/bin/env node
import { runDist } from './run-dist.js';
await runDist('connector/cli.js', 'hed-connector');
