/**
 * The route table: every route of some routers with the rule its can(rule) guard names (lib/policy.ts).
 * Printed by `npm run routes` (scripts/routes.ts); test/router-alone.test.ts checks every route has one.
 */
import type { Router } from "express";
import type { Guard, Rule } from "./policy";

export interface RouteRow {
  method: string;
  path: string;
  feature: string;
  /** null: the route names no rule (a bug: test/router-alone.test.ts fails on it). */
  rule: Rule | null;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: Partial<Guard> }[] };
  handle?: { stack?: Layer[] };
}

/** The routes of `routers` in declaration order, each with its feature and rule. */
export function routeTable(routers: { feature: string; router: Router }[]): RouteRow[] {
  const rows: RouteRow[] = [];
  const walk = (feature: string, stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const rule = layer.route.stack.find((l) => l.handle.rule)?.handle.rule ?? null;
        for (const m of Object.keys(layer.route.methods)) if (m !== "_all") rows.push({ method: m.toUpperCase(), path: layer.route.path, feature, rule });
      } else if (layer.handle?.stack) {
        walk(feature, layer.handle.stack);
      }
    }
  };
  for (const { feature, router } of routers) walk(feature, (router as unknown as { stack: Layer[] }).stack);
  return rows;
}
