/** What other features use of quizzes: each trainee's results and the grading rule (completion, reports). */
export { finalGrade, type GradingMethod } from "./grading";
export { quizResultsByUser } from "./quiz-results";
