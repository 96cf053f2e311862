import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { Conflict, ValidationError } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { formBody, parseForm, saveOrRerender, submitForm } from "../../lib/forms";
import { idParam } from "../../lib/params";
import { TEXT_MIME, sendDownload } from "../../lib/download";
import { formatDecimal } from "../../lib/vietnamese";
import { type CourseDetail, courseOf, manageCourse } from "../courses";
import { authorize } from "../../lib/policy";
import { categorySchema, questionFromForm, questionSchema, type QuestionInput } from "./bank.schema";
import * as bank from "./bank.service";
import { quizzesMessages as m } from "./quizzes.messages";

/** Blank choice rows offered on the question form beyond those in use. */
const SPARE_ROWS = 2;
const MIN_ROWS = 6;

const percentText = (fraction: number) => formatDecimal(fraction * 100, 5);

/** A bank row as the question form's values. */
function formValues(q: bank.QuestionRow | null, categoryId?: number): Record<string, unknown> {
  if (!q) return { categoryId, kind: "single", ignoreCase: true, ignoreTones: false, tfCorrect: "true", choices: [] };
  const tf = q.kind === "truefalse";
  return {
    categoryId: q.categoryId, kind: q.kind, title: q.title ?? "", text: q.text, textHtml: q.textFormat === "html", generalFeedback: q.generalFeedback ?? "",
    choices: tf ? [] : q.choices.map((c) => ({ text: c.text, fraction: percentText(c.fraction), feedback: c.feedback ?? "" })),
    tfCorrect: tf && q.choices[1]?.fraction === 1 ? "false" : "true",
    tfFeedbackTrue: tf ? q.choices[0]?.feedback ?? "" : "", tfFeedbackFalse: tf ? q.choices[1]?.feedback ?? "" : "",
    ignoreCase: q.ignoreCase, ignoreTones: q.ignoreTones,
  };
}

/** Choice rows to render: the values sent or stored, plus spare blank rows. */
function choiceRows(values: Record<string, unknown>): { text?: unknown; fraction?: unknown; feedback?: unknown }[] {
  const raw = values.choices && typeof values.choices === "object" ? Object.values(values.choices) : [];
  const rows = raw.filter((r) => r && typeof r === "object") as { text?: unknown }[];
  const used = rows.filter((r) => typeof r.text === "string" && r.text.trim());
  const n = Math.max(MIN_ROWS, used.length + SPARE_ROWS);
  return [...used, ...Array.from({ length: n - used.length }, () => ({}))];
}

/** The question bank of a course: categories, questions, GIFT export. Admins and the course's trainers. */
export function bankRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const course = (req: Request) => courseOf(db, req);

  async function renderBank(res: Response, c: CourseDetail, status = 200, errors: Record<string, string> = {}, values: Record<string, unknown> = {}) {
    const categories = await bank.listBank(db, c.id);
    res.status(status).render("quizzes/bank", { title: `${m.bank}: ${c.title}`, course: c, categories, errors, values });
  }

  async function renderQuestionForm(res: Response, c: CourseDetail, question: bank.QuestionRow | null, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
    const categories = await bank.listCategories(db, c.id);
    res.status(status).render("quizzes/question-form", {
      title: question ? m.editQuestion : m.newQuestion, course: c, question, categories, values, rows: choiceRows(values), errors,
    });
  }

  // GET /courses/:id/questions: the bank, category by category.
  router.get("/courses/:id/questions", can(manageCourse), async (req, res) => renderBank(res, await course(req)));

  // POST /courses/:id/question-categories: adds a category.
  router.post("/courses/:id/question-categories", can(manageCourse), async (req, res) => {
    const c = await course(req);
    const fail = (errors: Record<string, string>) => renderBank(res, c, 422, errors, formBody(req));
    if (!(await submitForm(categorySchema, formBody(req), fail, (data) => bank.createCategory(db, c.id, data.name, actor(req))))) return;
    flash(req, "success", m.categoryCreated);
    res.redirect(`/courses/${c.id}/questions`);
  });

  // POST /courses/:id/question-categories/:catId: renames a category.
  router.post("/courses/:id/question-categories/:catId", can(manageCourse), async (req, res) => {
    const c = await course(req);
    const catId = idParam(req, "catId");
    const fail = (errors: Record<string, string>) => renderBank(res, c, 422, Object.fromEntries(Object.entries(errors).map(([, v]) => [`name-${catId}`, v])), formBody(req));
    if (!(await submitForm(categorySchema, formBody(req), fail, (data) => bank.renameCategory(db, c.id, catId, data.name, actor(req))))) return;
    flash(req, "success", m.categoryRenamed);
    res.redirect(`/courses/${c.id}/questions`);
  });

  // GET /courses/:id/question-categories/:catId/export.gift: the category's questions as a GIFT file.
  router.get("/courses/:id/question-categories/:catId/export.gift", can(manageCourse), async (req, res) => {
    const c = await course(req);
    const { name, text } = await bank.exportCategoryGift(db, c.id, idParam(req, "catId"));
    sendDownload(res, { body: text, fileName: `${name}.gift`, type: TEXT_MIME });
  });

  // GET /courses/:id/questions/new: empty question form (?category=ID preselects a category).
  router.get("/courses/:id/questions/new", can(manageCourse), async (req, res) => {
    const c = await course(req);
    const cat = Number(req.query.category);
    await renderQuestionForm(res, c, null, formValues(null, Number.isSafeInteger(cat) ? cat : undefined), {});
  });

  // Parses the question form; on failure re-renders it with 422 and returns null.
  async function readQuestion(req: Request, res: Response, c: CourseDetail, question: bank.QuestionRow | null): Promise<QuestionInput | null> {
    const form = parseForm(questionSchema, formBody(req));
    const built = form.ok ? questionFromForm(form.data) : form;
    if (built.ok) return built.question;
    await renderQuestionForm(res, c, question, formBody(req), built.errors, 422);
    return null;
  }

  // POST /courses/:id/questions: adds a question.
  router.post("/courses/:id/questions", can(manageCourse), async (req, res) => {
    const c = await course(req);
    const input = await readQuestion(req, res, c, null);
    if (!input) return;
    const fail = (errors: Record<string, string>) => renderQuestionForm(res, c, null, formBody(req), errors, 422);
    if (!(await saveOrRerender(fail, () => bank.createQuestion(db, c.id, input, actor(req))))) return;
    flash(req, "success", m.questionCreated);
    res.redirect(`/courses/${c.id}/questions#cat-${input.categoryId}`);
  });

  // GET /courses/:id/questions/:qid/edit: the question form, filled.
  router.get("/courses/:id/questions/:qid/edit", can(manageCourse), async (req, res) => {
    const c = await course(req);
    const q = await bank.getQuestion(db, c.id, idParam(req, "qid"));
    await renderQuestionForm(res, c, q, formValues(q), {});
  });

  // POST /courses/:id/questions/:qid: saves a question (refused once someone has been shown it).
  router.post("/courses/:id/questions/:qid", can(manageCourse), async (req, res) => {
    const c = await course(req);
    const q = await bank.getQuestion(db, c.id, idParam(req, "qid"));
    const input = await readQuestion(req, res, c, q);
    if (!input) return;
    try {
      await bank.updateQuestion(db, c.id, q.id, input, actor(req));
    } catch (e) {
      if (e instanceof ValidationError) return renderQuestionForm(res, c, q, formBody(req), e.fields, 422);
      if (e instanceof Conflict) return renderQuestionForm(res, c, q, formBody(req), { _form: e.message }, 409);
      throw e;
    }
    flash(req, "success", m.questionSaved);
    res.redirect(`/courses/${c.id}/questions#cat-${input.categoryId}`);
  });

  // POST /courses/:id/questions/:qid/archive: takes a question out of the bank.
  router.post("/courses/:id/questions/:qid/archive", can(manageCourse), async (req, res) => {
    const c = await course(req);
    await bank.archiveQuestion(db, c.id, idParam(req, "qid"), actor(req));
    flash(req, "success", m.questionArchived);
    res.redirect(`/courses/${c.id}/questions`);
  });

  return router;
}
