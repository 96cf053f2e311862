import { questionTextHtml, sanitizeQuestionHtml, storedText } from "../../src/features/quizzes/question-html";

test("the allow-list keeps formatting and drops scripts, handlers, links and styles", () => {
  expect(sanitizeQuestionHtml("<b>Triệu Sơn</b> <i>i</i> <u>u</u> <em>e</em> <strong>s</strong><br><p>p</p><ul><li>a</li></ul><ol><li>b</li></ol>H<sub>2</sub>O x<sup>2</sup>"))
    .toBe("<b>Triệu Sơn</b> <i>i</i> <u>u</u> <em>e</em> <strong>s</strong><br /><p>p</p><ul><li>a</li></ul><ol><li>b</li></ol>H<sub>2</sub>O x<sup>2</sup>");
  const hostile = `<script>alert(1)</script><img src=x onerror="alert(2)"><b onclick="alert(3)" style="color:red">đậm</b><a href="javascript:alert(4)">liên kết</a><iframe src="//x"></iframe>`;
  const clean = sanitizeQuestionHtml(hostile);
  expect(clean).toBe("<b>đậm</b>liên kết");
  for (const bad of ["script", "onerror", "onclick", "style", "javascript", "iframe", "<img", "<a"]) expect(clean).not.toContain(bad);
});

test("only html questions keep markup; plain text is stored as typed and printed escaped", () => {
  expect(storedText("<b>x</b><script>1</script>", "html")).toBe("<b>x</b>");
  expect(storedText("<b>x</b>", "plain")).toBe("<b>x</b>");
  expect(storedText("<b>x</b>", "markdown")).toBe("<b>x</b>");
  expect(questionTextHtml({ text: "<b>x</b>", textFormat: "plain" })).toBeNull();
  expect(questionTextHtml({ text: "<b>x</b><img src=x onerror=alert(1)>", textFormat: "html" })).toBe("<b>x</b>");
});
