import type { Request, RequestHandler } from "express";

export type FlashType = "success" | "error" | "info";
export interface FlashMessage {
  type: FlashType;
  text: string;
}

declare module "express-session" {
  interface SessionData {
    flash?: FlashMessage[];
  }
}

/** Queues a message for the next page the user sees (after a redirect). */
export function flash(req: Request, type: FlashType, text: string): void {
  if (!req.session) return;
  (req.session.flash ??= []).push({ type, text });
}

/** Moves queued messages to `res.locals.flash` for the page being rendered. */
export const flashLocals: RequestHandler = (req, res, next) => {
  res.locals.flash = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  next();
};
