import { Router } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { t } from "../../lib/messages";
import { idParam } from "../../lib/params";
import { authorize } from "../../lib/policy";
import { uploadSingle } from "../../lib/upload";
import { stripDiacritics } from "../../lib/vietnamese";
import { downloadMaterials, manageCourse } from "./courses.policy";
import { MATERIAL_MAX_BYTES, MATERIAL_TYPES, addMaterial, deleteMaterial, getDownload } from "./materials.service";

/**
 * Content-Disposition keeping a Vietnamese file name: `filename*` (RFC 5987, UTF-8) for browsers,
 * plus a plain-ASCII `filename` for old clients ("Bài giảng – 1.pdf" → "Bai giang - 1.pdf").
 * Names built from typed text (a course title "Lớp 1/2026") lose path separators and control
 * characters, so no client can read a folder or a second header line out of them.
 */
export function attachmentHeader(typed: string): string {
  const name = typed.replace(/[\\/]/g, "-").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
  const ascii = stripDiacritics(name).replace(/[\u2010-\u2015]/g, "-").replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Course materials: upload, download, delete. The list itself is rendered by the course page. */
export function materialsRouter({ db, dataDir }: { db: Db; dataDir: string }): Router {
  const router = Router();
  const can = authorize(db);
  const upload = uploadSingle({ route: "/courses/:id/materials", field: "file", maxBytes: MATERIAL_MAX_BYTES, allowed: MATERIAL_TYPES, typeMessage: t.materials.badType, sizeMessage: t.materials.tooLarge });
  // POST /courses/:id/materials: a course manager uploads one file (multipart, field "file"). The rule is
  // checked before the body is read, so nobody else can make the server buffer 20 MB or store a file.
  router.post("/courses/:id/materials", can(manageCourse), ...upload, async (req, res) => {
    const courseId = idParam(req);
    if (!req.checkedFile) {
      flash(req, "error", t.materials.noFile);
      return res.redirect(`/courses/${courseId}`);
    }
    await addMaterial(db, dataDir, courseId, req.checkedFile, actor(req));
    flash(req, "success", t.materials.uploaded);
    res.redirect(`/courses/${courseId}`);
  });

  // GET /courses/:id/materials/:materialId: download under the original name (managers, enrolled trainees).
  router.get("/courses/:id/materials/:materialId", can(downloadMaterials), async (req, res) => {
    const file = await getDownload(db, dataDir, idParam(req), idParam(req, "materialId"));
    res.setHeader("Content-Disposition", attachmentHeader(file.originalName));
    res.setHeader("Cache-Control", "private, no-cache");
    res.type(file.mime);
    // dotfiles: DATA_DIR itself may sit under a hidden folder (~/.taphuan); stored names never start with a dot.
    res.sendFile(file.path, { dotfiles: "allow", cacheControl: false });
  });

  // POST /courses/:id/materials/:materialId/delete: a course manager removes the row and the file.
  router.post("/courses/:id/materials/:materialId/delete", can(manageCourse), async (req, res) => {
    const courseId = idParam(req);
    await deleteMaterial(db, dataDir, courseId, idParam(req, "materialId"), actor(req));
    flash(req, "success", t.materials.deleted);
    res.redirect(`/courses/${courseId}`);
  });

  return router;
}
