#!/usr/bin/env node
// retailos is written in TypeScript and runs through tsx's loader, so there
// is no build step between a checkout and a working CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');
