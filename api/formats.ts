import { FormatRegistry } from '@sinclair/typebox';

// TypeBox's Value/TypeCompiler know no string formats by themselves (Ajv in fastify does,
// through ajv-formats). Register the ones our schemas use, once, wherever schemas load.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value));
