/** lib/upload.ts inside a minimal app with the real session and CSRF middleware. */
import crypto from "node:crypto";
import express from "express";
import session from "express-session";
import request from "supertest";
import { csrfLocals, csrfProtection } from "../src/lib/csrf";
import { errorHandler } from "../src/lib/error-handler";
import { safeOriginalName, uploadSingle } from "../src/lib/upload";
import { VIEWS_DIR } from "../src/paths";
import { t } from "../src/messages";
import pino from "pino";

/** What the route stored (the app's own routes store into the database: lib/file-store.ts). */
const accepted: string[] = [];

function miniApp() {
  const app = express();
  app.set("views", VIEWS_DIR);
  app.set("view engine", "ejs");
  app.use(session({ secret: "x".repeat(32), resave: false, saveUninitialized: false }));
  app.use((_req, res, next) => {
    Object.assign(res.locals, { t, user: null, flash: [], path: "/", csrfToken: "" });
    next();
  });
  app.use(csrfProtection);
  app.use(csrfLocals);
  app.get("/token", (_req, res) => res.json({ token: res.locals.csrfToken }));
  app.post("/upload", ...uploadSingle({ route: "/upload", field: "file", maxBytes: 1000, allowed: ["application/pdf"], typeMessage: "Sai loại tệp", sizeMessage: "Tệp quá lớn" }), (req, res) => {
    const stored = crypto.randomBytes(16).toString("hex");
    accepted.push(stored);
    res.json({ stored, name: req.checkedFile!.originalName });
  });
  app.use(errorHandler(pino({ level: "silent" })));
  return app;
}

const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const filesIn = () => [...accepted];

test("multipart POST without a CSRF token is refused and leaves no file", async () => {
  const agent = request.agent(miniApp());
  await agent.get("/token");
  const res = await agent.post("/upload").attach("file", pdf, "tai-lieu.pdf");
  expect(res.status).toBe(403);
  expect(filesIn()).toEqual([]);
});

test("with the token as a form field (or header) the file is accepted and keeps its Vietnamese name", async () => {
  const agent = request.agent(miniApp());
  const { token } = (await agent.get("/token")).body;
  const res = await agent.post("/upload").field("_csrf", token).attach("file", pdf, { filename: "Bài giảng số 1.pdf" });
  expect(res.status).toBe(200);
  expect(res.body.name).toBe("Bài giảng số 1.pdf");
  expect(filesIn()).toContain(res.body.stored);
  const viaHeader = await agent.post("/upload").set("x-csrf-token", token).attach("file", pdf, "a.pdf");
  expect(viaHeader.status).toBe(200);
});

test("type is checked by content, and size is limited", async () => {
  const agent = request.agent(miniApp());
  const { token } = (await agent.get("/token")).body;
  const before = filesIn().length;
  const fake = await agent.post("/upload").field("_csrf", token).attach("file", Buffer.from("not a pdf at all"), "fake.pdf");
  expect(fake.status).toBe(415);
  expect(fake.text).toContain("Sai loại tệp");
  const big = await agent.post("/upload").field("_csrf", token).attach("file", Buffer.concat([pdf, Buffer.alloc(2000)]), "big.pdf");
  expect(big.status).toBe(413);
  expect(filesIn().length).toBe(before);
});

test("file names lose path parts and control characters", () => {
  expect(safeOriginalName("../../etc/passwd")).toBe("passwd");
  expect(safeOriginalName("C:\\tmp\\x.pdf")).toBe("x.pdf");
  expect(safeOriginalName("a\u0000b\nc.pdf")).toBe("abc.pdf");
  expect(safeOriginalName("b\u0085c\u009b\u202Efdp.exe")).toBe("bcfdp.exe");
  expect(safeOriginalName("\u200f..\u200e")).toBe("tep-tai-len");
  expect(safeOriginalName(Buffer.from("Tài liệu.pdf", "utf8").toString("latin1"))).toBe("Tài liệu.pdf");
});
