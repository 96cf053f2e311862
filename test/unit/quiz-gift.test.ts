import { parseGift, toGift } from "../../src/features/quizzes/gift";
import type { ParsedQuestion } from "../../src/features/quizzes/question-types";

/** Joins lines with LF; tests that need CRLF or CR say so. */
const gift = (...lines: string[]) => lines.join("\n");
const withoutLines = (qs: ParsedQuestion[]) => qs.map(({ line: _line, ...rest }) => rest);
const only = (text: string) => {
  const r = parseGift(text);
  expect(r.errors).toEqual([]);
  expect(r.questions).toHaveLength(1);
  return r.questions[0];
};

describe("parseGift: constructs", () => {
  it("reads a single-choice question with title, per-answer feedback and general feedback", () => {
    const q = only("::Câu 1:: Thủ đô của Việt Nam là gì? {=Hà Nội #Chính xác ~Huế #Huế là cố đô ~Đà Nẵng ####Hà Nội từ 1010}");
    expect(q).toEqual({
      kind: "single", title: "Câu 1", text: "Thủ đô của Việt Nam là gì?", line: 1,
      choices: [
        { text: "Hà Nội", fraction: 1, feedback: "Chính xác" },
        { text: "Huế", fraction: 0, feedback: "Huế là cố đô" },
        { text: "Đà Nẵng", fraction: 0 },
      ],
      generalFeedback: "Hà Nội từ 1010",
    });
  });

  it("treats weighted choices with no = as multiple answer, with negative weights", () => {
    const q = only(gift(
      "Những cơ quan nào thuộc Chính phủ? {",
      "  ~%50%Bộ Văn hóa, Thể thao và Du lịch",
      "  ~%50%Bộ Ngoại giao # đúng",
      "  ~%-50%Quốc hội",
      "  ~Tòa án nhân dân",
      "}",
    ));
    expect(q.kind).toBe("multiple");
    expect(q.choices).toEqual([
      { text: "Bộ Văn hóa, Thể thao và Du lịch", fraction: 0.5 },
      { text: "Bộ Ngoại giao", fraction: 0.5, feedback: "đúng" },
      { text: "Quốc hội", fraction: -0.5 },
      { text: "Tòa án nhân dân", fraction: 0 },
    ]);
  });

  it("keeps a question with = single choice even when other choices carry partial credit", () => {
    const q = only("Chọn đáp án tốt nhất {=Phổ biến, quán triệt ~%50%Phổ biến ~%33,3%Quán triệt ~Không làm gì}");
    expect(q.kind).toBe("single");
    expect(q.choices.map((c) => c.fraction)).toEqual([1, 0.5, 0.333, 0]); // decimal comma accepted
  });

  it.each([
    ["{T}", true], ["{TRUE}", true], ["{F}", false], ["{FALSE}", false], ["{ true }", true],
  ])("reads true/false %s", (answer, correct) => {
    const q = only(`Đà Lạt thuộc tỉnh Lâm Đồng ${answer}`);
    expect(q.kind).toBe("truefalse");
    expect(q.choices).toEqual([{ text: "Đúng", fraction: correct ? 1 : 0 }, { text: "Sai", fraction: correct ? 0 : 1 }]);
  });

  it("gives true/false feedback in Moodle's order: first for a wrong pick, second for a right pick", () => {
    expect(only("Quyết định 1191 ban hành năm 2020 {T#Sai, năm 2020 mới đúng#Chính xác}").choices).toEqual([
      { text: "Đúng", fraction: 1, feedback: "Chính xác" },
      { text: "Sai", fraction: 0, feedback: "Sai, năm 2020 mới đúng" },
    ]);
    expect(only("Huyện vẫn còn sau 01/7/2025 {FALSE#Cấp huyện đã bỏ#Đúng vậy}").choices).toEqual([
      { text: "Đúng", fraction: 0, feedback: "Cấp huyện đã bỏ" },
      { text: "Sai", fraction: 1, feedback: "Đúng vậy" },
    ]);
  });

  it("reads short answers, case-insensitive by default like Moodle, with partial credit", () => {
    const q = only("Thủ đô của Việt Nam? {=Hà Nội =Thành phố Hà Nội =%50%Thăng Long #gần đúng}");
    expect(q).toMatchObject({ kind: "short", ignoreCase: true, ignoreTones: false });
    expect(q.choices).toEqual([
      { text: "Hà Nội", fraction: 1 },
      { text: "Thành phố Hà Nội", fraction: 1 },
      { text: "Thăng Long", fraction: 0.5, feedback: "gần đúng" },
    ]);
  });

  it("reads the short-answer options comment (our extension) before or inside the question", () => {
    const before = only(gift("// @taphuan ignoreCase=false ignoreTones=true", "Tên tỉnh? {=Thanh Hóa}"));
    expect(before).toMatchObject({ ignoreCase: false, ignoreTones: true, line: 2 });
    const inside = only(gift("Tên tỉnh? {", "// @taphuan ignoreTones=1", "=Thanh Hóa", "}"));
    expect(inside).toMatchObject({ ignoreCase: true, ignoreTones: true });
  });

  it("unescapes \\: \\# \\= \\{ \\} \\~ and \\\\ in titles, texts, answers and feedback", () => {
    const q = only("::Tỉ lệ 1\\:2:: Biểu thức \\{a\\} \\= b\\~c\\#1 {=x \\= 1\\:2 #đúng \\# 1 ~C\\:\\\\Windows ~y\\}}");
    expect(q.title).toBe("Tỉ lệ 1:2");
    expect(q.text).toBe("Biểu thức {a} = b~c#1");
    expect(q.choices).toEqual([
      { text: "x = 1:2", fraction: 1, feedback: "đúng # 1" },
      { text: "C:\\Windows", fraction: 0 },
      { text: "y}", fraction: 0 },
    ]);
  });

  it("ignores // comment lines, also inside a question, but keeps // inside text", () => {
    const r = parseGift(gift(
      "// Đề kiểm tra lớp bồi dưỡng",
      "// Câu 1",
      "Trang http://example.vn thuộc cơ quan nào? {",
      "// lựa chọn đúng:",
      "=Sở Văn hóa ~Sở Tài chính",
      "}",
    ));
    expect(r.errors).toEqual([]);
    expect(r.questions[0]).toMatchObject({ text: "Trang http://example.vn thuộc cơ quan nào?", line: 3 });
    expect(r.questions[0].choices).toHaveLength(2);
  });

  it("applies $CATEGORY lines to the questions after them and strips Moodle's $course$/top/", () => {
    const r = parseGift(gift(
      "Câu không danh mục {T}",
      "",
      "$CATEGORY: $course$/top/Thông tin đối ngoại",
      "",
      "Câu A {T}",
      "",
      "Câu B {F}",
      "",
      "$CATEGORY: Luật Báo chí/Chương 1",
      "Câu C {T}",
    ));
    expect(r.errors).toEqual([]);
    expect(r.questions.map((q) => [q.text, q.category, q.line])).toEqual([
      ["Câu không danh mục", undefined, 1],
      ["Câu A", "Thông tin đối ngoại", 5],
      ["Câu B", "Thông tin đối ngoại", 7],
      ["Câu C", "Luật Báo chí/Chương 1", 10],
    ]);
  });

  it("separates questions by blank lines (even whitespace-only or several) and numbers lines", () => {
    const r = parseGift(gift("Câu 1 {T}", "   ", "", "Câu 2", "nhiều dòng {F}", "", "", "Câu 3 {=a ~b}"));
    expect(r.errors).toEqual([]);
    expect(r.questions.map((q) => [q.text, q.line])).toEqual([["Câu 1", 1], ["Câu 2\nnhiều dòng", 4], ["Câu 3", 8]]);
  });

  it("turns a missing-word question into text with a gap, and strips a format tag", () => {
    expect(only("Hội nghị {=quán triệt ~tổng kết} Quyết định 1191.").text).toBe("Hội nghị _____ Quyết định 1191.");
    const q = only("::T:: [html]<p>Chọn <b>một</b></p> {=a ~b}");
    expect(q).toMatchObject({ textFormat: "html", text: "<p>Chọn <b>một</b></p>", title: "T" });
  });

  it("tolerates BOM, CRLF, lone CR, NFD input and smart quotes, and returns NFC text", () => {
    const nfd = "Câu hỏi “Tuyên truyền viên” là ai? {=Người làm công tác ‘tuyên truyền’ ~Phóng viên}".normalize("NFD");
    const crlf = parseGift("\uFEFF// chú thích\r\n" + nfd + "\r\n\r\nCâu 2 {T}\r\n");
    const cr = parseGift("\uFEFF// chú thích\r" + nfd + "\r\rCâu 2 {T}\r");
    for (const r of [crlf, cr]) {
      expect(r.errors).toEqual([]);
      expect(r.questions.map((q) => q.line)).toEqual([2, 4]);
      expect(r.questions[0].text).toBe("Câu hỏi “Tuyên truyền viên” là ai?");
      expect(r.questions[0].choices[0].text).toBe("Người làm công tác ‘tuyên truyền’");
      expect(r.questions[0].text).toBe(r.questions[0].text.normalize("NFC"));
    }
  });
});

describe("parseGift: errors carry the right line", () => {
  const errorsOf = (text: string) => parseGift(text).errors;

  it("reports a missing } at the line of its {, in Vietnamese, and still parses the other questions", () => {
    const r = parseGift(gift("Câu 1 {T}", "", "// lỗi ở đây", "Câu 2 nói về", "quán triệt {", "=a", "~b", "", "Câu 3 {F}"));
    expect(r.errors).toEqual([{ line: 5, message: expect.stringMatching(/^Dòng 5: thiếu dấu } /) }]);
    expect(r.questions.map((q) => q.text)).toEqual(["Câu 1", "Câu 3"]);
  });

  it.each([
    ["no answer braces", gift("Câu 1 {T}", "", "Câu không có đáp án"), 3, /thiếu phần đáp án/],
    ["missing blank line between questions", gift("Câu 1 {T}", "Câu 2 {F}"), 2, /cách nhau một dòng trống/],
    ["unclosed title", gift("", "::Tiêu đề Câu 1 {T}"), 2, /thiếu dấu ::/],
    ["stray }", gift("Câu 1", "có dấu } lạ {T}"), 2, /dấu } thừa/],
    ["bad weight", gift("Câu {", "~%50%a", "~%abc%b", "}"), 3, /trọng số/],
    ["weight over 100", gift("Câu {", "=a", "~%150%b", "}"), 3, /trọng số/],
    ["empty answer", gift("Câu {", "=a", "~ #chỉ có phản hồi", "}"), 3, /đáp án rỗng/],
    ["text before the first answer", gift("Câu {", "Hà Nội", "=a ~b}"), 2, /bắt đầu bằng = hoặc ~/],
    ["weights of a multiple answer not adding to 100", gift("", "Câu {", "~%50%a", "~%40%b ~c", "}"), 2, /tổng trọng số.*90%/],
    ["no choice worth 100 in single choice", "Câu {=%50%a ~b}", 1, /đúng 100%/],
    ["a single choice", "Câu {~%100%a}", 1, /ít nhất hai lựa chọn/],
    ["empty question text", "::Chỉ có tiêu đề:: {T}", 1, /không có nội dung/],
    ["numeric question", gift("Câu 1 {T}", "", "Năm {#2020}"), 3, /dạng số/],
    ["matching question", gift("", "", "Ghép {", "=a -> 1", "=b -> 2", "}"), 3, /ghép cặp/],
    ["essay question", "Trình bày ý kiến {}", 1, /tự luận/],
  ])("%s", (_name, text, line, message) => {
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBe(line);
    expect(errors[0].message).toMatch(message);
    expect(errors[0].message.startsWith(`Dòng ${line}: `)).toBe(true);
  });
});

describe("toGift and round trip", () => {
  const bank: ParsedQuestion[] = [
    {
      kind: "single", title: "Câu {1}: ký hiệu", text: "Ký tự đặc biệt ~ = # { } : \\ và\n\ndòng mới?", line: 0,
      choices: [
        { text: "Đúng = 1:2", fraction: 1, feedback: "Phản hồi có # và ~" },
        { text: "%50 dân số", fraction: 0 },
        { text: "Một nửa", fraction: 0.5 },
      ],
      generalFeedback: "Giải thích {chung}", category: "Thông tin đối ngoại",
    },
    {
      kind: "multiple", text: "Chọn ba", line: 0, category: "Thông tin đối ngoại",
      choices: [
        { text: "A", fraction: 0.3333333 }, { text: "B", fraction: 0.3333333 }, { text: "C", fraction: 0.3333334 },
        { text: "D", fraction: -1, feedback: "sai hẳn" }, { text: "E", fraction: 0 },
      ],
    },
    {
      kind: "truefalse", text: "Cấp huyện đã bỏ từ 01/7/2025", line: 0, category: "Hành chính",
      choices: [{ text: "Đúng", fraction: 1 }, { text: "Sai", fraction: 0, feedback: "Nghị quyết 1686" }],
    },
    { kind: "truefalse", text: "Sai hoàn toàn", line: 0, category: "Hành chính", generalFeedback: "chung",
      choices: [{ text: "Đúng", fraction: 0, feedback: "Không" }, { text: "Sai", fraction: 1, feedback: "Phải" }] },
    { kind: "short", text: "Tỉnh nào?", line: 0, category: "Hành chính", ignoreCase: false, ignoreTones: true,
      choices: [{ text: "Thanh Hóa", fraction: 1 }, { text: "Thanh Hoá", fraction: 0.9, feedback: "cách bỏ dấu cũ" }] },
    { kind: "short", text: "Huyện nào?", title: "Huyện", textFormat: "markdown", line: 0, category: "Hành chính",
      ignoreCase: true, ignoreTones: false, choices: [{ text: "Triệu Sơn", fraction: 1 }] },
  ];

  it("exports questions that import back identical (apart from line numbers)", () => {
    const text = toGift(bank);
    const back = parseGift(text);
    expect(back.errors).toEqual([]);
    expect(withoutLines(back.questions)).toEqual(withoutLines(bank));
  });

  it("gives the same questions after import → export → import", () => {
    const source = gift(
      "$CATEGORY: Luật Báo chí", "",
      "::Q1:: Câu \\{1\\} {=a #x ~%-25%b ~c ####chung}", "",
      "Câu 2 {~%50%a ~%50%b ~%-100%c}", "",
      "Câu 3 {F#sai#đúng}", "",
      "Câu 4 {=Hà Nội =%50%Ha Noi}",
    );
    const first = parseGift(source);
    expect(first.errors).toEqual([]);
    const second = parseGift(toGift(first.questions));
    expect(second.errors).toEqual([]);
    expect(withoutLines(second.questions)).toEqual(withoutLines(first.questions));
  });

  it("writes one $CATEGORY line when a category is given, overriding the questions' own", () => {
    const text = toGift(bank.slice(2, 4), "Ôn tập");
    expect(text.startsWith("$CATEGORY: Ôn tập\n\n")).toBe(true);
    expect(text.match(/\$CATEGORY/g)).toHaveLength(1);
    expect(parseGift(text).questions.map((q) => q.category)).toEqual(["Ôn tập", "Ôn tập"]);
  });

  it("writes readable Moodle-style GIFT", () => {
    expect(toGift([bank[2]])).toBe("$CATEGORY: Hành chính\n\nCấp huyện đã bỏ từ 01/7/2025 {TRUE#Nghị quyết 1686}\n");
    expect(toGift([{ kind: "multiple", text: "Chọn", line: 1, choices: [{ text: "a", fraction: 0.5 }, { text: "b", fraction: 0.5 }, { text: "c", fraction: 0 }] }]))
      .toBe("Chọn {\n~%50%a\n~%50%b\n~c\n}\n");
  });

  it("stores short-answer flags left undefined as false so grading means the same after import", () => {
    const [q] = parseGift(toGift([{ kind: "short", text: "Tên?", line: 1, choices: [{ text: "An", fraction: 1 }] }])).questions;
    expect(q).toMatchObject({ ignoreCase: false, ignoreTones: false });
  });
});
