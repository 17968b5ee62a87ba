#!/usr/bin/env node
// Thin launcher: the project is TypeScript run through tsx, so there is no
// build step between editing a file and running it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
