/**
 * Writes packages/schema/schema.graphql from the type-graphql resolvers. Run after changing the
 * schema (`pnpm codegen` at the root also regenerates the typed operations); a test fails when
 * the committed file differs from what the code emits.
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildGatewaySchema, printGatewaySchema } from '../schema/build-schema.js';

export const schemaFile = fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url));

const sdl = printGatewaySchema(await buildGatewaySchema());
await writeFile(schemaFile, sdl);
console.log(`wrote ${schemaFile}`);
