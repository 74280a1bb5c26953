// Build Chorus's front-end assets into chorus/static/dist.
// Run by `npm run build` (the README's commands call it); output is not committed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const out = join(root, "chorus", "static", "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "frontend", "chorus.scss"), {
  loadPaths: [root, modules],
  style: "compressed",
  quietDeps: true,
  logger: sass.Logger.silent,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "chorus.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/assets", "assets"],
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/assets", "assets"],
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["../frontend/init.mjs", "init.mjs"],
];
for (const [from, to] of copies) {
  cpSync(join(modules, from), join(out, to), { recursive: true });
}
console.log(`Built front-end assets into ${out} (${css.css.length} bytes of CSS).`);
