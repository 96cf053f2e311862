import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { Db } from "../../db/client";
import { currentUser, actor } from "../../lib/auth";
import { XLSX_MIME, sendDownload } from "../../lib/download";
import { HttpError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { formBody, parseForm } from "../../lib/forms";
import { t } from "../../messages";
import { uploadSingle } from "../../lib/upload";
import { type CourseDetail, courseOf, manageCourse } from "../courses";
import { authorize } from "../../lib/policy";
import { FIELDS } from "./import.header";
import { previewSample } from "./import.match";
import { RosterFileError } from "./import.read";
import { confirmForm, parseImportOptions, type PendingImport } from "./import.schema";
import {
  IMPORT_MAX_BYTES, IMPORT_TYPES, buildTemplate, importRoster, previewRoster, readUpload, removeUpload, rosterKind, storeUpload,
  type ImportOptions, type RosterPreview,
} from "./import.service";
import { downloadRosterTemplate } from "./enrollment.policy";
import { walkinUnits } from "./walkin.service";

/** Rows a preview page lists at most (every row with an error, conflict or warning is always listed). */
const PREVIEW_LIMIT = 1000;

/** Roster import: template, upload + preview (step 1), re-check with the user's choices, confirm (step 2). Admins and the course's trainers. */
export function importRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const upload = uploadSingle({
    route: "/courses/:id/import", field: "file", maxBytes: IMPORT_MAX_BYTES, allowed: IMPORT_TYPES, allowText: true, typeMessage: t.import.badType, sizeMessage: t.import.tooLarge,
  });
  // The course (checked by manageCourse, before the body is read: only a course's managers can make the
  // server buffer 5 MB), kept in res.locals for the pages and the upload-refusal handler below.
  const loadCourse: RequestHandler = async (req, res, next) => {
    res.locals.course = await courseOf(db, req);
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
  /** The preview page: summary, the rows to look at, the column / unit / conflict choices, the confirmation. */
  const renderPreview = async (req: Request, res: Response, preview: RosterPreview, pending: PendingImport | null, opts: ImportOptions) => {
    const course = res.locals.course as CourseDetail;
    const unitChoices = new Map((opts.units ?? []).map((u) => [u.alias, u.unitCode ?? ""]));
    res.render("enrollment/import-preview", {
      title: `${t.import.previewTitle}: ${course.title}`,
      course, fileName: pending?.fileName ?? req.checkedFile?.originalName ?? "", token: pending?.stored ?? null, isAdmin: currentUser(req).role === "admin",
      counts: preview.counts, seating: preview.seating, ignoredColumns: preview.ignoredColumns, fields: FIELDS,
      unknownUnits: preview.unknownUnits.map((u) => ({ ...u, chosen: unitChoices.get(u.name) ?? "" })), units: await walkinUnits(db),
      rows: previewSample(preview.rows, PREVIEW_LIMIT),
    });
  };
  /** The pending upload the form names, or null (flash + redirect done) when the preview is stale or forged. */
  const pendingOf = (req: Request, res: Response): PendingImport | null => {
    const course = res.locals.course as CourseDetail;
    const form = parseForm(confirmForm, formBody(req));
    const pending = req.session.rosterImports?.[course.id];
    if (form.ok && pending && pending.stored === form.data.token) return pending;
    flash(req, "error", t.import.expired);
    res.redirect(`/courses/${course.id}/import`);
    return null;
  };
  const done = async (req: Request, course: CourseDetail, pending: PendingImport) => {
    await removeUpload(db, pending.stored);
    delete req.session.rosterImports![course.id];
  };

  // GET /import/template.xlsx: the XLSX template (header row, one example, the accepted lists).
  router.get("/import/template.xlsx", can(downloadRosterTemplate), async (_req, res) => {
    const buf = await buildTemplate(db);
    sendDownload(res, { body: buf, fileName: t.import.templateFileName, type: XLSX_MIME });
  });

  // GET /courses/:id/import: upload form with a link to the template.
  router.get("/courses/:id/import", can(manageCourse), loadCourse, (_req, res) => renderForm(res, 200, null));

  // POST /courses/:id/import: step 1, checks every row and shows the preview; the file waits on disk.
  const showPreview: RequestHandler = async (req, res) => {
    const course = res.locals.course as CourseDetail;
    const file = req.checkedFile;
    if (!file) return renderForm(res, 422, t.import.noFile);
    let preview: RosterPreview;
    let kind: ReturnType<typeof rosterKind>;
    try {
      kind = rosterKind(file);
      preview = await previewRoster(db, course.id, file.buffer, kind, actor(req));
    } catch (e) {
      if (e instanceof RosterFileError) return renderForm(res, e.status, e.message);
      throw e;
    }
    const pending = (req.session.rosterImports ??= {});
    const previous = pending[course.id];
    if (previous) await removeUpload(db, previous.stored);
    delete pending[course.id];
    // Kept while something can still be imported or chosen (conflicts, columns, units).
    const { counts, ignoredColumns, unknownUnits } = preview;
    if (counts.toAdd > 0 || counts.conflicts > 0 || ignoredColumns.length > 0 || unknownUnits.length > 0) {
      const { stored, sha256 } = await storeUpload(db, file.buffer);
      pending[course.id] = { stored, sha256, kind, fileName: file.originalName };
    }
    await renderPreview(req, res, preview, pending[course.id] ?? null, {});
  };
  router.post("/courses/:id/import", can(manageCourse), loadCourse, ...upload, showPreview, uploadRefused);

  // POST /courses/:id/import/recheck: the same file checked again with the columns, units and conflict choices of the form.
  router.post("/courses/:id/import/recheck", can(manageCourse), loadCourse, async (req, res) => {
    const course = res.locals.course as CourseDetail;
    const pending = pendingOf(req, res);
    if (!pending) return;
    let preview: RosterPreview;
    let opts: ImportOptions;
    try {
      opts = parseImportOptions(formBody(req));
      preview = await previewRoster(db, course.id, await readUpload(db, pending.stored, pending.sha256), pending.kind, actor(req), opts);
    } catch (e) {
      if (!(e instanceof RosterFileError)) throw e;
      if (e.status === 409) await done(req, course, pending);
      flash(req, "error", e.message);
      return res.redirect(`/courses/${course.id}/import`);
    }
    await renderPreview(req, res, preview, pending, opts);
  });

  // POST /courses/:id/import/confirm: step 2, imports the valid, resolved rows of the previewed file in one transaction.
  router.post("/courses/:id/import/confirm", can(manageCourse), loadCourse, async (req, res) => {
    const course = res.locals.course as CourseDetail;
    const pending = pendingOf(req, res);
    if (!pending) return;
    try {
      const opts = parseImportOptions(formBody(req));
      const buffer = await readUpload(db, pending.stored, pending.sha256);
      const result = await importRoster(db, course.id, buffer, pending.kind, { fileName: pending.fileName, sha256: pending.sha256 }, actor(req), {}, opts);
      await done(req, course, pending);
      flash(req, "success", t.import.imported(result));
    } catch (e) {
      if (!(e instanceof RosterFileError)) throw e; // the file stays: the same preview can be confirmed again
      if (e.message !== t.import.badOption) await done(req, course, pending);
      flash(req, "error", e.message);
      return res.redirect(`/courses/${course.id}/import`);
    }
    res.redirect(`/courses/${course.id}/participants`);
  });

  return router;
}
