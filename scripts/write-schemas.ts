/** `npm run docs:schema`: writes docs/schema/*.schema.json and docs/rules.md from the code that defines them. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rulesMarkdown } from "./rules-doc.js";
import { SCHEMAS } from "./schemas.js";

const dir = process.argv[2] ?? "docs/schema";
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(SCHEMAS)) {
  writeFileSync(join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote ${join(dir, name)}\n`);
}
const rules = join(dir, "..", "rules.md");
writeFileSync(rules, rulesMarkdown());
process.stdout.write(`wrote ${rules}\n`);
