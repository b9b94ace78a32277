#!/usr/bin/env node
import { runDist } from './run-dist.js';
await runDist('tester/cli.js', 'hed-tester');
