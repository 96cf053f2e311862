/**
 * The process test/crash-safety.test.ts kills. It opens the database the test prepared (DATA_DIR, taking
 * the data-directory lock and starting the embedded server as the app does), runs one bulk job through the real
 * service and, when the job's transaction has written part of its rows, prints "MIDWAY" and waits there
 * for its SIGKILL. It never closes anything: a kill does not either.
 *
 *   node --import tsx test/helpers/crash-child.ts import        COURSE_ID ACTOR_ID UPLOAD UPLOAD_SHA256
 *   node --import tsx test/helpers/crash-child.ts certificates  COURSE_ID ACTOR_ID STOP_AT
 *   node --import tsx test/helpers/crash-child.ts batches       COURSE_ID ACTOR_ID BATCH STOP_AT
 *
 * import: confirms the roster stored in DATA_DIR/imports (as the confirm route does) and stops after its
 * first batch of rows. certificates: starts the class's bulk issue job and stops inside the STOP_AT-th
 * certificate's transaction, after its rows are written (the earlier ones are committed: it prints
 * "COMMITTED n" first). batches: issues the class in batches of BATCH people (issueBatch, one transaction
 * each) and stops inside the STOP_AT-th batch's transaction, after its rows are written ("COMMITTED n":
 * the certificates of the earlier batches).
 */
import { openDb } from "../../src/db/client";
import { lockDataDir } from "../../src/db/lock";
import { awaitsCertificate, classCompletion } from "../../src/features/certificates/completion.service";
import { IssueJobs } from "../../src/features/certificates/issue-jobs";
import { issueBatch, prepareIssue } from "../../src/features/certificates/issue.service";
import { getCourse } from "../../src/features/courses/courses.service";
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
    const buffer = readUpload(dataDir, stored, sha256);
    await importRoster(db, courseId, buffer, "xlsx", { fileName: "danh-sach.xlsx", sha256 }, actor, { afterBatch: stopHere });
  } else if (job === "certificates") {
    const stopAt = Number(rest[0]);
    let n = 0;
    const jobs = new IssueJobs();
    const course = await getCourse(db, courseId);
    const beforeCommit = () => {
      if (++n !== stopAt) return undefined;
      process.stdout.write(`COMMITTED ${n - 1}\n`);
      return stopHere();
    };
    await jobs.start(db, course, actor, { baseUrl: "http://taphuan.test", dataDir, beforeCommit }, (err) => console.error(err));
    await jobs.settled(courseId);
  } else if (job === "batches") {
    const [size, stopAt] = rest.map(Number);
    const course = await getCourse(db, courseId);
    const todo = (await classCompletion(db, course)).rows.filter(awaitsCertificate);
    let batches = 0;
    let committed = 0;
    const env = {
      baseUrl: "http://taphuan.test", dataDir,
      beforeCommit: () => {
        if (++batches !== stopAt) return undefined;
        process.stdout.write(`COMMITTED ${committed}\n`);
        return stopHere();
      },
    };
    const prep = await prepareIssue(db, env);
    for (let i = 0; i < todo.length; i += size) {
      const outcomes = await issueBatch(db, courseId, todo.slice(i, i + size), actor, env, prep);
      committed += outcomes.filter((o) => o.ok).length;
    }
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
