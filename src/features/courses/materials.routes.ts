import { Router } from "express";
import type { Db } from "../../db/client";
import { actor } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { authorize } from "../../lib/policy";
import { uploadSingle } from "../../lib/upload";
import { sendDownload } from "../../lib/download";
import { downloadMaterials, manageCourse } from "./courses.policy";
import { MATERIAL_MAX_BYTES, MATERIAL_TYPES, addMaterial, deleteMaterial, getDownload } from "./materials.service";

/** Course materials: upload, download, delete. The list itself is rendered by the course page. */
export function materialsRouter({ db }: { db: Db }): Router {
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
    await addMaterial(db, courseId, req.checkedFile, actor(req));
    flash(req, "success", t.materials.uploaded);
    res.redirect(`/courses/${courseId}`);
  });

  // GET /courses/:id/materials/:materialId: download under the original name (managers, enrolled trainees), streamed from the database.
  router.get("/courses/:id/materials/:materialId", can(downloadMaterials), async (req, res) => {
    const material = await getDownload(db, idParam(req), idParam(req, "materialId"));
    await sendDownload(res, { file: material.file, fileName: material.originalName, type: material.mime });
  });

  // POST /courses/:id/materials/:materialId/delete: a course manager removes the material and its file.
  router.post("/courses/:id/materials/:materialId/delete", can(manageCourse), async (req, res) => {
    const courseId = idParam(req);
    await deleteMaterial(db, courseId, idParam(req, "materialId"), actor(req));
    flash(req, "success", t.materials.deleted);
    res.redirect(`/courses/${courseId}`);
  });

  return router;
}
