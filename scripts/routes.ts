/**
 * `npm run routes`: every route of the app with its feature and the rule that guards it (method, path,
 * feature, rule, who passes). Built from the same router list createApp mounts; needs no database.
 */
import { featureRouters } from "../src/app";
import type { Db } from "../src/db/client";
import { createPassport } from "../src/features/auth/passport";
import { PublicAddress } from "../src/lib/public-url";
import { routeTable } from "../src/lib/route-table";

// The routers only keep these; nothing is read while the table is built.
const db = {} as Db;
const routers = featureRouters({
  db, dbKind: "postgres", passport: createPassport(db), site: new PublicAddress(db), secret: "routes-table",
  loginIpLimit: 50, secureCookies: false,
});
const rows = routeTable(routers).map((r) => [r.method, r.path, r.feature, r.rule?.name ?? "(NO RULE)", r.rule?.who ?? ""]);
const header = ["METHOD", "PATH", "FEATURE", "RULE", "WHO"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
console.log(`\n${rows.length} routes`);
