/**
 * Build step (`npm run build`): the trace reader's schema validators as precompiled code (Ajv
 * standalone, CommonJS), so that opening a trace does not compile them each time. The file
 * carries the schemas' fingerprint; the reader compiles at run time instead when it is absent
 * (running from sources) or does not match.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";
import { READER_AJV_OPTIONS, READER_SCHEMAS, readerSchemasFingerprint } from "../reports/trace/schema.js";

const out = fileURLToPath(new URL("../reports/trace/trace-validators.cjs", import.meta.url));
const ajv = new Ajv2020({ ...READER_AJV_OPTIONS, code: { source: true } });
for (const [name, schema] of Object.entries(READER_SCHEMAS)) ajv.addSchema(schema, name);
// A CommonJS module imported from ESM: its default export sits on `default`.
const code = standalone.default(ajv, Object.fromEntries(Object.keys(READER_SCHEMAS).map((k) => [k, k])));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${code}\nexports.fingerprint = ${JSON.stringify(readerSchemasFingerprint())};\n`);
