import { buildSnapshot, honorificFor, numberLine, resultText, rosterOrder, toCertificateData, type SnapshotInput } from "../../src/features/certificates/snapshot";
import { snapshotPdf, sha256Hex } from "../../src/features/certificates/issue.service";
import { safeCell } from "../../src/lib/spreadsheet";

const input = (over: Partial<SnapshotInput> = {}): SnapshotInput => ({
  number: "015/GCN-VHTT",
  year: 2026,
  series: "GCN-VHTT",
  seq: 15,
  issueDate: "2026-03-20",
  verifyUrl: "https://taphuan.example.vn/verify/AbCdEfGhIjKlMnOpQrStUv",
  person: { fullName: "Nguyễn Thị Thu Hà".normalize("NFD"), ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà", dateOfBirth: "1990-03-05", gender: "Nữ", ethnicity: "Kinh", unit: "Xã Triệu Sơn", position: null },
  course: { id: 7, title: "Bồi dưỡng nghiệp vụ thông tin đối ngoại", venue: null },
  sessions: [{ date: "2026-03-04", venue: "Phòng họp" }, { date: "2026-03-03", venue: null }, { date: "2026-03-02", venue: "Hội trường UBND xã" }],
  result: "Đạt",
  completion: "Có mặt 3/3 buổi (100%, cần 80%) → đạt",
  org: { managingBody: "Ủy ban nhân dân huyện Triệu Sơn", issuingBody: "Phòng Văn hóa và Thông tin", placeName: "Triệu Sơn", signerPrefix: "KT. CHỦ TỊCH", signerTitle: "PHÓ CHỦ TỊCH", signerName: "Lê Quang Trung", validFrom: "2020-01-01" },
  print: { offsetXmm: 1.5, offsetYmm: -2, border: false, sealSha256: null },
  ...over,
});

describe("snapshot", () => {
  it("takes the first and last non-cancelled session as the course dates and falls back to a session venue", () => {
    const s = buildSnapshot(input());
    expect(s.course).toEqual({ id: 7, title: "Bồi dưỡng nghiệp vụ thông tin đối ngoại", startDate: "2026-03-02", endDate: "2026-03-04", venue: "Hội trường UBND xã" });
    expect(buildSnapshot(input({ course: { id: 7, title: "x", venue: "Nhà văn hóa" } })).course.venue).toBe("Nhà văn hóa");
  });

  it("stores NFC text, the honorific and the number line", () => {
    const s = buildSnapshot(input());
    expect(s.person.fullName).toBe("Nguyễn Thị Thu Hà".normalize("NFC"));
    expect(s.person.honorific).toBe("Bà");
    expect(s.numberLine).toBe("Số: 015/GCN-VHTT");
  });

  it("refuses to build a certificate without sessions or a birth date", () => {
    expect(() => buildSnapshot(input({ sessions: [] }))).toThrow(/session/);
    expect(() => buildSnapshot(input({ person: { ...input().person, dateOfBirth: "" } }))).toThrow(/birth/);
  });

  it("maps to the renderer's input; printer offsets can be overridden for a re-adjusted printer", () => {
    const s = buildSnapshot(input());
    expect(toCertificateData(s)).toMatchObject({ fullName: "Nguyễn Thị Thu Hà", offsets: { xMm: 1.5, yMm: -2 }, withBorder: false, signerPrefix: "KT. CHỦ TỊCH", numberLine: "Số: 015/GCN-VHTT" });
    expect(toCertificateData(s, undefined, { xMm: 0, yMm: 3 }).offsets).toEqual({ xMm: 0, yMm: 3 });
  });

  it("renders the same bytes from the same snapshot (reprint), different bytes for another one", async () => {
    const s = buildSnapshot(input());
    const a = await snapshotPdf(s);
    const b = await snapshotPdf(JSON.parse(JSON.stringify(s))); // as read back from the jsonb column
    expect(sha256Hex(a)).toBe(sha256Hex(b));
    const other = await snapshotPdf(buildSnapshot(input({ seq: 16, number: "016/GCN-VHTT" })));
    expect(sha256Hex(other)).not.toBe(sha256Hex(a));
  });
});

describe("printed values", () => {
  it("keeps a number pattern's own label", () => {
    expect(numberLine("Số vào sổ: 015/2026")).toBe("Số vào sổ: 015/2026");
    expect(numberLine("SỐ: 015")).toBe("SỐ: 015");
    expect(numberLine("015/GCN")).toBe("Số: 015/GCN");
    expect(numberLine("Sổ 15")).toBe("Số: Sổ 15");
  });
  it("says Ông/Bà by gender, both when unknown", () => {
    expect([honorificFor("Nam"), honorificFor("Nữ"), honorificFor(null)]).toEqual(["Ông", "Bà", "Ông/Bà"]);
  });
  it("prints the quiz percent with a decimal comma when a quiz was required", () => {
    expect(resultText(null)).toBe("Đạt");
    expect(resultText(85.25)).toBe("Đạt (bài kiểm tra 85,3%)");
  });
});

describe("rosterOrder", () => {
  const split = (full: string) => {
    const w = full.split(" ");
    return { ho: w[0], tenDem: w.slice(1, -1).join(" "), ten: w[w.length - 1] };
  };
  it("sorts by tên, tên đệm, họ with Vietnamese collation (Đ, Ư, tones, NFD)", () => {
    const expected = ["Nguyễn Văn Anh", "Phạm Thị Ánh", "Lê Văn Bình", "Trần Văn Dũng", "Bùi Tiến Đạt", "Lê Thị Hà", "Nguyễn Thu Hà", "Đỗ Văn Hùng", "Trần Văn Hùng", "Vũ Thị Thủy", "Vũ Thị Thúy", "Lý Thị Uyên", "Đặng Văn Ưng", "Hoàng Thị Vân"];
    const people = [...expected].reverse().map((n, i) => ({ ...split(i % 2 ? n.normalize("NFD") : n), id: i }));
    expect(people.sort(rosterOrder).map((p) => `${p.ho} ${p.tenDem} ${p.ten}`.normalize("NFC"))).toEqual(expected);
  });
  it("orders namesakes by birth date, then id", () => {
    const a = { ho: "Lê", tenDem: "Thị", ten: "Hà", dateOfBirth: "1990-01-01", id: 9 };
    const b = { ...a, dateOfBirth: "1985-06-30", id: 10 };
    const c = { ...a, id: 3 };
    expect([a, b, c].sort(rosterOrder)).toEqual([b, c, a]);
  });
});

describe("safeCell", () => {
  it("neutralises text a spreadsheet would evaluate, and only that", () => {
    expect(["=1+2", "+84 912", "-5", "@SUM(A1)", "\t=x", "\r=x"].map(safeCell)).toEqual(["'=1+2", "'+84 912", "'-5", "'@SUM(A1)", "'\t=x", "'\r=x"]);
    expect(["Nguyễn Thị Hà", "1990", "", "a=b"].map(safeCell)).toEqual(["Nguyễn Thị Hà", "1990", "", "a=b"]);
    expect(safeCell(null)).toBe("");
    expect(safeCell("Hà".normalize("NFD"))).toBe("Hà");
  });
});
