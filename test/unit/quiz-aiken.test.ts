import { parseAiken } from "../../src/features/quizzes/aiken";

const aiken = (...lines: string[]) => lines.join("\n");

describe("parseAiken", () => {
  it("reads questions with A. or A) choices and ANSWER, as single choice with line numbers", () => {
    const r = parseAiken(aiken(
      "Quyết định 1191/QĐ-TTg ban hành năm nào?",
      "A. 2019",
      "B. 2020",
      "C. 2021",
      "ANSWER: B",
      "",
      "Cơ quan nào nhận báo cáo hằng năm?",
      "A) Ủy ban nhân dân",
      "B) Phòng Tài chính",
      "ANSWER: A",
    ));
    expect(r.errors).toEqual([]);
    expect(r.questions).toEqual([
      {
        kind: "single", text: "Quyết định 1191/QĐ-TTg ban hành năm nào?", line: 1,
        choices: [{ text: "2019", fraction: 0 }, { text: "2020", fraction: 1 }, { text: "2021", fraction: 0 }],
      },
      {
        kind: "single", text: "Cơ quan nào nhận báo cáo hằng năm?", line: 7,
        choices: [{ text: "Ủy ban nhân dân", fraction: 1 }, { text: "Phòng Tài chính", fraction: 0 }],
      },
    ]);
  });

  it("needs no blank line between questions and joins a question spread over several lines", () => {
    const r = parseAiken(aiken(
      "Câu 1?", "A. x", "B. y", "ANSWER: A",
      "Đọc đoạn sau:", "“Tuyên truyền viên là ai?”", "A. Người tuyên truyền", "B. Phóng viên", "ANSWER: A",
    ));
    expect(r.errors).toEqual([]);
    expect(r.questions.map((q) => [q.text, q.line])).toEqual([["Câu 1?", 1], ["Đọc đoạn sau:\n“Tuyên truyền viên là ai?”", 5]]);
  });

  it("tolerates BOM, CRLF, NFD, smart quotes, tabs and no-break spaces, lower-case letters and ĐÁP ÁN", () => {
    const text = "\uFEFFTừ “đối ngoại” nghĩa là gì?\r\nA.\tQuan hệ với nước ngoài\r\nB.\u00a0Quan hệ trong nước\r\nanswer: a\r\n\r\n"
      + "Câu 2?\r\nA. Có\r\nB. Không\r\nĐÁP ÁN: B. Không\r\n";
    const r = parseAiken(text.normalize("NFD"));
    expect(r.errors).toEqual([]);
    expect(r.questions[0]).toEqual({
      kind: "single", text: "Từ “đối ngoại” nghĩa là gì?", line: 1,
      choices: [{ text: "Quan hệ với nước ngoài", fraction: 1 }, { text: "Quan hệ trong nước", fraction: 0 }],
    });
    expect(r.questions[1].choices.map((c) => c.fraction)).toEqual([0, 1]);
    expect(r.questions[0].text).toBe(r.questions[0].text.normalize("NFC"));
  });

  describe("errors carry the right line and spare the other questions", () => {
    const errorsOf = (text: string) => {
      const r = parseAiken(text);
      return { errors: r.errors, texts: r.questions.map((q) => q.text) };
    };

    it.each([
      ["several answers", aiken("Q?", "A. x", "B. y", "C. z", "ANSWER: A, C"), 5, /một đáp án đúng/],
      ["several answers written with và", aiken("Q?", "A. x", "B. y", "ANSWER: A và B"), 4, /một đáp án đúng/],
      ["answer letter not among the choices", aiken("", "Q?", "A. x", "B. y", "ANSWER: D"), 5, /D không có trong các lựa chọn \(A, B\)/],
      ["answer that is not a letter", aiken("Q?", "A. x", "B. y", "ANSWER: 2"), 4, /không phải chữ cái/],
      ["empty ANSWER", aiken("Q?", "A. x", "B. y", "ANSWER:"), 4, /thiếu chữ cái/],
      ["ANSWER with no question", aiken("ANSWER: A"), 1, /không thuộc câu hỏi nào/],
      ["one choice only", aiken("", "Q?", "A. x", "ANSWER: A"), 2, /ít nhất hai lựa chọn/],
      ["duplicate choice letter", aiken("Q?", "A. x", "A. y", "ANSWER: A"), 3, /A bị lặp/],
      ["empty choice", aiken("Q?", "A. x", "B.", "ANSWER: A"), 3, /B không có nội dung/],
      ["file ends without ANSWER", aiken("Q?", "A. x", "B. y"), 1, /thiếu dòng ANSWER \(sau lựa chọn cuối ở dòng 3\)/],
      ["question with no choices at the end", aiken("Q1?", "A. x", "B. y", "ANSWER: A", "Q2?"), 5, /không có lựa chọn/],
    ])("%s", (_name, text, line, message) => {
      const { errors } = errorsOf(text);
      expect(errors).toHaveLength(1);
      expect(errors[0].line).toBe(line);
      expect(errors[0].message).toMatch(message);
      expect(errors[0].message.startsWith(`Dòng ${line}: `)).toBe(true);
    });

    it("reports a missing ANSWER at its question and still reads the next question", () => {
      const { errors, texts } = errorsOf(aiken("Câu 1?", "A. x", "B. y", "", "Câu 2?", "A. x", "B. y", "ANSWER: B"));
      expect(errors.map((e) => e.line)).toEqual([1]);
      expect(errors[0].message).toMatch(/thiếu dòng ANSWER/);
      expect(texts).toEqual(["Câu 2?"]);
    });

    it("reports choices without a question once, then carries on", () => {
      const { errors, texts } = errorsOf(aiken("A. x", "B. y", "ANSWER: A", "", "Câu 2?", "A. có", "B. không", "ANSWER: A"));
      expect(errors).toEqual([{ line: 1, message: expect.stringMatching(/^Dòng 1: lựa chọn A đứng ngoài câu hỏi/) }]);
      expect(texts).toEqual(["Câu 2?"]);
    });

    it("lists every error of a file with several broken questions", () => {
      const { errors, texts } = errorsOf(aiken(
        "Q1?", "A. a", "B. b", "ANSWER: E", "",
        "Q2?", "A. a", "B. b", "ANSWER: B", "",
        "Q3?", "A) a", "B) b", "ANSWER: A B",
      ));
      expect(errors.map((e) => e.line)).toEqual([4, 14]);
      expect(texts).toEqual(["Q2?"]);
    });
  });
});
