import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { Db } from "../../db/client";
import { currentUser, requireRole } from "../../lib/auth";
import { HttpError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { parseForm } from "../../lib/forms";
import { t } from "../../lib/messages";
import { idParam } from "../../lib/params";
import { uploadSingle } from "../../lib/upload";
import { getManagedCourse, type CourseDetail } from "../courses/courses.service";
import { previewSample } from "./import.match";
import { RosterFileError } from "./import.read";
import { confirmForm } from "./import.schema";
import {
  IMPORT_MAX_BYTES, IMPORT_TYPES, XLSX_MIME, buildTemplate, importRoster, previewRoster, readUpload, removeUpload, rosterKind, storeUpload,
} from "./import.service";

/** Rows a preview page lists at most (every row with an error is always listed). */
const PREVIEW_LIMIT = 1000;

/** Roster import: template, upload + preview (step 1), confirm (step 2). Admins and the course's trainers. */
export function importRouter({ db, dataDir }: { db: Db; dataDir: string }): Router {
  const router = Router();
  const staff = requireRole("admin", "trainer");
  const upload = uploadSingle({
    route: "/courses/:id/import", field: "file", maxBytes: IMPORT_MAX_BYTES, allowed: IMPORT_TYPES, allowText: true, typeMessage: t.import.badType, sizeMessage: t.import.tooLarge,
  });
  const actor = (req: Request) => ({ id: currentUser(req).id, ip: req.ip ?? null });
  // Checked before the body is read: only a course's managers can make the server buffer 5 MB.
  const managedCourse: RequestHandler = async (req, res, next) => {
    res.locals.course = await getManagedCourse(db, currentUser(req), idParam(req));
    next();
  };
  const renderForm = (res: Response, status: number, error: string | null) => {
    const course = res.locals.course as CourseDetail;
    res.status(status).render("enrollment/import", { title: `${t.import.title}: ${course.title}`, course, error });
  };
  // Size and type refusals from lib/upload, and "too many files at once" (503), come back as the upload page with the message.
  const uploadRefused: ErrorRequestHandler = (err, _req, res, next) => {
    if (err instanceof HttpError && [413, 415, 503].includes(err.status) && res.locals.course) return renderForm(res, err.status, err.message);
    next(err);
  };

  // GET /import/template.xlsx: the XLSX template (header row, one example, the accepted lists).
  router.get("/import/template.xlsx", staff, async (_req, res) => {
    const buf = await buildTemplate(db);
    res.attachment(t.import.templateFileName).type(XLSX_MIME).setHeader("Cache-Control", "private, no-cache");
    res.send(buf);
  });

  // GET /courses/:id/import: upload form with a link to the template.
  router.get("/courses/:id/import", staff, managedCourse, (_req, res) => renderForm(res, 200, null));

  // POST /courses/:id/import: step 1, checks every row and shows the preview; the file waits on disk.
  const showPreview: RequestHandler = async (req, res) => {
    const course = res.locals.course as CourseDetail;
    const file = req.checkedFile;
    if (!file) return renderForm(res, 422, t.import.noFile);
    let preview: Awaited<ReturnType<typeof previewRoster>>;
    let kind: ReturnType<typeof rosterKind>;
    try {
      kind = rosterKind(file);
      preview = await previewRoster(db, course.id, file.buffer, kind);
    } catch (e) {
      if (e instanceof RosterFileError) return renderForm(res, e.status, e.message);
      throw e;
    }
    const pending = (req.session.rosterImports ??= {});
    const previous = pending[course.id];
    if (previous) removeUpload(dataDir, previous.stored);
    let token: string | null = null;
    if (preview.counts.toAdd > 0) {
      const { stored, sha256 } = storeUpload(dataDir, file.buffer);
      pending[course.id] = { stored, sha256, kind, fileName: file.originalName };
      token = stored;
    } else {
      delete pending[course.id];
    }
    res.render("enrollment/import-preview", {
      title: `${t.import.previewTitle}: ${course.title}`,
      course, fileName: file.originalName, token, counts: preview.counts, ignoredColumns: preview.ignoredColumns,
      rows: previewSample(preview.rows, PREVIEW_LIMIT),
    });
  };
  router.post("/courses/:id/import", staff, managedCourse, ...upload, showPreview, uploadRefused);

  // POST /courses/:id/import/confirm: step 2, imports the valid rows of the previewed file in one transaction.
  router.post("/courses/:id/import/confirm", staff, managedCourse, async (req, res) => {
    const course = res.locals.course as CourseDetail;
    const form = parseForm(confirmForm, req.body);
    const pending = req.session.rosterImports?.[course.id];
    if (!form.ok || !pending || pending.stored !== form.data.token) {
      flash(req, "error", t.import.expired);
      return res.redirect(`/courses/${course.id}/import`);
    }
    const done = () => {
      removeUpload(dataDir, pending.stored);
      delete req.session.rosterImports![course.id];
    };
    try {
      const buffer = readUpload(dataDir, pending.stored, pending.sha256);
      const result = await importRoster(db, course.id, buffer, pending.kind, { fileName: pending.fileName, sha256: pending.sha256 }, actor(req));
      done();
      flash(req, "success", t.import.imported(result));
    } catch (e) {
      if (!(e instanceof RosterFileError)) throw e; // the file stays: the same preview can be confirmed again
      done();
      flash(req, "error", e.message);
      return res.redirect(`/courses/${course.id}/import`);
    }
    res.redirect(`/courses/${course.id}/participants`);
  });

  return router;
}
