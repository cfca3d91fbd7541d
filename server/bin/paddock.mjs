#!/usr/bin/env node
// `pnpm paddock …` resolves to this bin (no package script, so pnpm prints no banner).
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/bin/paddock.ts', import.meta.url);
