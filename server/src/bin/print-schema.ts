import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { printSchema } from 'graphql';
import { schema } from '../graphql/schema.ts';

/** Writes the SDL snapshot that codegen, the dashboard and third-party clients use. */
export const SDL_PATH = path.resolve(import.meta.dirname, '../../../schema.graphql');

await writeFile(SDL_PATH, `${printSchema(schema)}\n`);
process.stdout.write(`Wrote ${SDL_PATH}\n`);
