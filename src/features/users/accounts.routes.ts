/** Class accounts: logins and one-time passwords for a course's trainees, printed as account slips. */
import { Router } from "express";
import type { Db } from "../../db/client";
import { currentUser } from "../../lib/auth";
import { PDF_MIME, sendDownload } from "../../lib/download";
import { flash } from "../../lib/flash";
import { t } from "../../messages";
import type { PublicAddress } from "../../lib/public-url";
import { courseOf, manageCourse } from "../courses";
import { authorize } from "../../lib/policy";
import { accountSlipsPdf } from "./account-slips";
import { createClassAccounts } from "./accounts.service";

export function accountsRouter({ db, site }: { db: Db; site: PublicAddress }): Router {
  const router = Router();
  const can = authorize(db);

  // POST /courses/:id/accounts: creates accounts for the course's trainees who have none and answers with
  // the slips PDF. The passwords exist only in this response: nothing keeps them (not the database, which
  // holds their hashes, nor the session), so the PDF cannot be downloaded again; a lost slip means a reset.
  router.post("/courses/:id/accounts", can(manageCourse), async (req, res) => {
    const me = currentUser(req);
    const course = await courseOf(db, req);
    // First, so that no account is created whose slip could not be printed (refused while unset or loopback).
    const siteUrl = await site.base();
    const issued = await createClassAccounts(db, course.id, { id: me.id, ip: req.ip ?? null });
    if (!issued.length) {
      flash(req, "info", t.accounts.noneToCreate);
      return res.redirect(`/courses/${course.id}/participants`);
    }
    const pdf = await accountSlipsPdf({ courseTitle: course.title, siteUrl, slips: issued });
    sendDownload(res, { body: pdf, fileName: t.accounts.fileName(course.title), type: PDF_MIME, cacheControl: "no-store" });
  });

  return router;
}
