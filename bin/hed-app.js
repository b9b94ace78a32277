#!/usr/bin/env node
import { runDist } from './run-dist.js';
await runDist('app/cli.js', 'hed-app');
