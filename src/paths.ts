import path from "node:path";

/** Project root, the same from src/ (tsx, Jest) and from dist/ (npm start): both sit one level down. */
export const ROOT = path.resolve(__dirname, "..");
export const VIEWS_DIR = path.join(ROOT, "views");
export const PUBLIC_DIR = path.join(ROOT, "public");
export const MIGRATIONS_DIR = path.join(ROOT, "drizzle");
export const SEEDS_DIR = path.join(ROOT, "seeds");
