/**
 * Every visible string of the interface, Vietnamese first; views receive it as `t`. The shared text lives
 * in src/lib/messages.ts, big features keep their section in their folder (*.messages.ts): the catalogue
 * is assembled here, at app level, so that lib/ never imports a feature.
 */
import { coreMessages } from "./lib/messages";
import { attendanceMessages } from "./features/attendance/attendance.messages";
import { certificatesMessages } from "./features/certificates/certificates.messages";
import { coursesMessages } from "./features/courses/courses.messages";
import { materialsMessages } from "./features/courses/materials.messages";
import { importMessages } from "./features/enrollment/import.messages";
import { homeMessages } from "./features/home/home.messages";
import { quizzesMessages } from "./features/quizzes/quizzes.messages";
import { reportsMessages } from "./features/reports/reports.messages";
import { accountsMessages } from "./features/users/accounts.messages";

export const t = {
  ...coreMessages,
  home: homeMessages,
  courses: coursesMessages,
  import: importMessages,
  materials: materialsMessages,
  attendance: attendanceMessages,
  quizzes: quizzesMessages,
  certificates: certificatesMessages,
  reports: reportsMessages,
  accounts: accountsMessages,
};

export type Messages = typeof t;
