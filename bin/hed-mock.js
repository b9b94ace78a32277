#!/usr/bin/env node
import { runDist } from './run-dist.js';
await runDist('server/main.js', 'hed-mock');
