import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { HttpError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { formBody, textOf } from "../../lib/forms";
import { authorize } from "../../lib/policy";
import { uploadSingle } from "../../lib/upload";
import { cleanText } from "../../lib/vietnamese";
import { type CourseDetail, courseOf, manageCourse } from "../courses";
import { importCategoryName, listCategories, saveImportedQuestions } from "./bank.service";
import {
  IMPORT_FORMATS, QUIZ_IMPORT_MAX_BYTES, parseQuestionText, readPending, removePending, storePending, type ImportFormat,
} from "./quiz-import.service";
import { quizzesMessages as m } from "./quizzes.messages";

interface PendingImport {
  stored: string;
  sha256: string;
  format: ImportFormat;
  category: string;
  source: string;
}

declare module "express-session" {
  interface SessionData {
    /** courseId → the question text waiting for confirmation (see quiz-import.service.ts). */
    quizImports?: Record<number, PendingImport>;
  }
}

const formatOf = (v: unknown): (typeof IMPORT_FORMATS)[number] => (IMPORT_FORMATS as readonly unknown[]).includes(v) ? (v as ImportFormat) : "auto";

/** GIFT / Aiken import: form (upload or paste), preview (step 1), confirm (step 2). Course managers only. */
export function quizImportRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const upload = uploadSingle({
    route: "/courses/:id/question-import", field: "file", maxBytes: QUIZ_IMPORT_MAX_BYTES, allowed: ["text/plain"], allowText: true, typeMessage: m.importBadType, sizeMessage: m.importTooLarge,
  });
  // The course (checked by manageCourse, before the body is read: only a course's managers can make the
  // server buffer a file), kept in res.locals for the pages and the upload-refusal handler below.
  const loadCourse: RequestHandler = async (req, res, next) => {
    res.locals.course = await courseOf(db, req);
    next();
  };
  const renderForm = async (res: Response, status: number, error: string | null, values: Record<string, unknown> = {}) => {
    const course = res.locals.course as CourseDetail;
    const categories = await listCategories(db, course.id);
    res.status(status).render("quizzes/import", {
      title: `${m.importTitle}: ${course.title}`, course, categories, error,
      values: { format: "auto", category: categories[0]?.name ?? m.defaultCategory, ...values },
    });
  };
  // Size and type refusals from lib/upload come back as the form with the message.
  const uploadRefused: ErrorRequestHandler = (err, _req, res, next) => {
    if (err instanceof HttpError && (err.status === 413 || err.status === 415) && res.locals.course) return void renderForm(res, err.status, err.message);
    next(err);
  };

  // GET /courses/:id/question-import: upload or paste form.
  router.get("/courses/:id/question-import", can(manageCourse), loadCourse, async (_req, res) => renderForm(res, 200, null));

  // POST /courses/:id/question-import: step 1, parses and shows every question and every error; nothing is saved.
  const preview: RequestHandler = async (req, res) => {
    const course = res.locals.course as CourseDetail;
    const body = formBody(req) ?? {};
    const values = { format: formatOf(body.format), category: cleanText(textOf(body.category)).slice(0, 200) || m.defaultCategory, text: typeof body.text === "string" ? body.text : "" };
    const file = req.checkedFile;
    const text = file ? file.buffer.toString("utf8") : values.text;
    if (!text.trim()) return renderForm(res, 422, m.importNothing, values);
    const { format, result } = parseQuestionText(text, values.format);

    const pending = (req.session.quizImports ??= {});
    if (pending[course.id]) await removePending(db, pending[course.id].stored);
    let token: string | null = null;
    const source = file ? file.originalName : m.pastedText;
    if (result.questions.length) {
      const { stored, sha256 } = await storePending(db, text);
      pending[course.id] = { stored, sha256, format, category: values.category, source };
      token = stored;
    } else {
      delete pending[course.id];
    }
    res.render("quizzes/import-preview", {
      title: `${m.previewTitle}: ${course.title}`, course, token, format, source, result,
      categoryOf: (q: Parameters<typeof importCategoryName>[0]) => importCategoryName(q, values.category),
    });
  };
  router.post("/courses/:id/question-import", can(manageCourse), loadCourse, ...upload, preview, uploadRefused);

  // POST /courses/:id/question-import/confirm: step 2, saves the valid questions of the text previewed.
  router.post("/courses/:id/question-import/confirm", can(manageCourse), loadCourse, async (req: Request, res) => {
    const course = res.locals.course as CourseDetail;
    const pending = req.session.quizImports?.[course.id];
    const text = pending && pending.stored === formBody(req)?.token ? await readPending(db, pending.stored, pending.sha256) : null;
    if (!pending || text === null) {
      flash(req, "error", m.importExpired);
      return res.redirect(`/courses/${course.id}/question-import`);
    }
    const { result } = parseQuestionText(text, pending.format);
    const n = await saveImportedQuestions(db, course.id, result.questions, pending.category, { ...actor(req), fileName: pending.source });
    await removePending(db, pending.stored);
    delete req.session.quizImports![course.id];
    flash(req, "success", m.imported(n));
    res.redirect(`/courses/${course.id}/questions`);
  });

  return router;
}
