import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { CSRF_ERROR_CODE } from "./csrf";
import { Conflict, HttpError, NotFound, type ErrorLink } from "./errors";
import { coreMessages as t } from "./messages";

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());

function wantsJson(req: Parameters<RequestHandler>[0]): boolean {
  return req.path.startsWith("/api/") || (req.accepts(["html", "json"]) === "json");
}

/** The one error middleware: known errors become their status page; unknown ones are logged and hidden. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    // What other middlewares put on their errors (csurf, body-parser, multer, http-errors).
    const fields = err as { code?: unknown; type?: unknown; status?: unknown } | null | undefined;
    const errStatus = fields?.status;
    let status = 500;
    let message: string = t.errors.body500;
    let link: ErrorLink | undefined;
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
      if (err instanceof Conflict) link = err.link;
    } else if (fields?.code === CSRF_ERROR_CODE) {
      status = 403;
      message = t.errors.csrf;
    } else if (fields?.type === "entity.too.large" || fields?.code === "LIMIT_FIELD_VALUE" || fields?.code === "LIMIT_FILE_SIZE") {
      status = 413;
      message = t.errors.tooLarge;
    } else if (typeof errStatus === "number" && errStatus >= 400 && errStatus < 500) {
      status = errStatus;
      message = status === 404 ? t.errors.title404 : t.errors.body4xx;
    } else {
      logger.error({ err, url: req.originalUrl }, "unhandled error");
    }
    if (res.headersSent) return;
    res.status(status);
    if (wantsJson(req)) return res.json(link ? { error: message, link: link.href } : { error: message });
    const title = status === 403 ? t.errors.title403 : status === 404 ? t.errors.title404 : status < 500 ? t.errors.title4xx : t.errors.title500;
    res.render("error", { title, status, message, link }, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr }, "error page failed to render");
        return res.type("text/plain").send(message);
      }
      res.send(html);
    });
  };
}
