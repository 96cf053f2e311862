/**
 * The process test/crash-safety.test.ts kills. It opens the database the test prepared (DATA_DIR, taking
 * the data-directory lock and starting the embedded server as the app does), runs one bulk job through the real
 * service and, when the job's transaction has written part of its rows, prints "MIDWAY" and waits there
 * for its SIGKILL. It never closes anything: a kill does not either.
 *
 *   node --import tsx test/helpers/crash-child.ts import        COURSE_ID ACTOR_ID UPLOAD UPLOAD_SHA256
 *   node --import tsx test/helpers/crash-child.ts certificates  COURSE_ID ACTOR_ID BATCH STOP_AT
 *   node --import tsx test/helpers/crash-child.ts material      COURSE_ID ACTOR_ID BYTES STOP_AT
 *
 * import: confirms the roster stored in the database (as the confirm route does) and stops after its
 * first batch of rows. certificates: starts the class's bulk issue job and runs it here (as the queue
 * would) in batches of BATCH people, one transaction each, and stops inside the STOP_AT-th batch's
 * transaction, after its rows are written ("COMMITTED n" first: the certificates of the earlier batches).
 * material: uploads a course material of BYTES bytes (a PDF header, then random bytes) as the upload route
 * does, and stops inside its transaction after the STOP_AT-th chunk.
 */
import crypto from "node:crypto";
import { openDb } from "../../src/db/client";
import { lockDataDir } from "../../src/db/lock";
import { runIssueJob, startIssueJob } from "../../src/features/certificates/issue-jobs";
import { getCourse } from "../../src/features/courses/courses.service";
import { addMaterial } from "../../src/features/courses/materials.service";
import { importRoster, readUpload } from "../../src/features/enrollment/import.service";

/** Tells the test where the job is, then never returns (the interval keeps the process alive). */
function stopHere(): Promise<never> {
  process.stdout.write("MIDWAY\n");
  setInterval(() => undefined, 60_000);
  // A test that died without killing us must not leave us holding the database for ever.
  setTimeout(() => process.exit(3), 120_000);
  return new Promise<never>(() => undefined);
}

async function main(): Promise<void> {
  const [job, courseArg, actorArg, ...rest] = process.argv.slice(2);
  const dataDir = process.env.DATA_DIR!;
  lockDataDir(dataDir);
  const { db } = await openDb({ dataDir });
  const courseId = Number(courseArg);
  const actor = { id: Number(actorArg) };
  if (job === "import") {
    const [stored, sha256] = rest;
    const buffer = await readUpload(db, stored, sha256);
    await importRoster(db, courseId, buffer, "xlsx", { fileName: "danh-sach.xlsx", sha256 }, actor, { afterBatch: stopHere });
  } else if (job === "certificates") {
    const [size, stopAt] = rest.map(Number);
    const course = await getCourse(db, courseId);
    const { job: started } = await startIssueJob(db, course, actor, "http://taphuan.test");
    let batches = 0;
    const beforeCommit = () => {
      if (++batches !== stopAt) return undefined;
      process.stdout.write(`COMMITTED ${(stopAt - 1) * size}\n`);
      return stopHere();
    };
    await runIssueJob(db, started.id, { baseUrl: "http://taphuan.test", beforeCommit }, (err) => console.error(err), undefined, size);
  } else if (job === "material") {
    const [bytes, stopAt] = rest.map(Number);
    const buffer = Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(bytes - 9)]);
    const file = { buffer, originalName: "Bài giảng lớn.pdf", mime: "application/pdf", size: buffer.length };
    await addMaterial(db, courseId, file, actor, { afterChunk: (seq) => (seq + 1 === stopAt ? stopHere() : undefined) });
  } else {
    throw new Error(`unknown job ${job}`);
  }
  // Reaching here means the job ended before the stop point: the test reports it.
  process.stdout.write("FINISHED\n");
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
