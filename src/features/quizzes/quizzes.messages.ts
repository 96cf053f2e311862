/** Visible text of quizzes (part of `t` as t.quizzes, see src/lib/messages.ts). */
export const quizzesMessages = {
  title: "Bài kiểm tra",
};
