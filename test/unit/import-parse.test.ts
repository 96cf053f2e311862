import { matchKey } from "../../src/lib/vietnamese";
import { buildLookups, fastMatchKey, type RefData } from "../../src/features/enrollment/import.lookups";
import { countRows, indexPeople, previewSample, resolveRows, type KnownPerson } from "../../src/features/enrollment/import.match";
import { findHeader } from "../../src/features/enrollment/import.header";
import { MAX_ROWS, RosterFileError, cellText, cellValue, parseCsv, type RawRow } from "../../src/features/enrollment/import.read";
import { checkRows, parseCccd, parseDateCell, parseGender, parsePhone } from "../../src/features/enrollment/import.rows";

const refs: RefData = {
  today: "2026-11-26",
  units: [
    { code: "TS-THOBINH", name: "Xã Thọ Bình", validFrom: null, validTo: "2025-06-30" },
    { code: "X-THOBINH", name: "Xã Thọ Bình", validFrom: "2025-07-01", validTo: null },
    { code: "TS-TTTS", name: "Thị trấn Triệu Sơn", validFrom: null, validTo: "2025-06-30" },
    { code: "X-TRIEUSON", name: "Xã Triệu Sơn", validFrom: "2025-07-01", validTo: null },
    { code: "TS-TTNUA", name: "Thị trấn Nưa", validFrom: null, validTo: "2025-06-30" },
    { code: "TS-THAIHOA", name: "Xã Thái Hòa", validFrom: null, validTo: "2025-06-30" },
  ],
  ethnicities: [{ code: "01", name: "Kinh" }, { code: "06", name: "Mường" }, { code: "08", name: "HMông" }, { code: "05", name: "Khơ-me" }],
  categories: [{ id: 1, name: "Cán bộ cấp xã", active: true }, { id: 2, name: "Phóng viên, biên tập viên", active: true }],
};
const look = buildLookups(refs);
const HEADER = ["TT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email"];
const table = (...rows: unknown[][]): RawRow[] => [HEADER, ...rows].map((cells, i) => ({ line: i + 1, cells: cells as RawRow["cells"] }));
const check = (rows: RawRow[]) => checkRows(rows, findHeader(rows), look);

describe("parseCsv", () => {
  it("reads comma or semicolon files, quoted fields, BOM, CRLF and quoted line breaks, with line numbers", () => {
    const csv = '\uFEFFHọ và tên;Ghi chú\r\n"Nguyễn; Văn A";"dòng 1\r\ndòng 2"\r\n\r\n"Lê ""Bé"" B";x\r\n';
    expect(parseCsv(csv)).toEqual([
      { line: 1, cells: ["Họ và tên", "Ghi chú"] },
      { line: 2, cells: ["Nguyễn; Văn A", "dòng 1\r\ndòng 2"] },
      { line: 5, cells: ['Lê "Bé" B', "x"] },
    ]);
    expect(parseCsv("a,b\n1,2")).toEqual([{ line: 1, cells: ["a", "b"] }, { line: 2, cells: ["1", "2"] }]);
    expect(parseCsv("a\tb\n1\t2")[1].cells).toEqual(["1", "2"]);
  });

  it("refuses more records than allowed", () => {
    const csv = "Họ và tên\n" + "Nguyễn Văn A\n".repeat(MAX_ROWS + 20);
    expect(() => parseCsv(csv)).toThrow(RosterFileError);
  });
});

describe("cells", () => {
  it("turns rich text, hyperlinks, formulas and errors into plain values", () => {
    expect(cellValue({ richText: [{ text: "Trần " }, { text: "Thị B" }] })).toBe("Trần Thị B");
    expect(cellValue({ text: "a@b.vn", hyperlink: "mailto:a@b.vn" })).toBe("a@b.vn");
    expect(cellValue({ formula: "1+1", result: 2 })).toBe(2);
    expect(cellValue({ error: "#N/A" })).toBeNull();
    expect(cellText("  Nguyễn\u00a0 Văn  ")).toBe("Nguyễn Văn");
    expect(cellText(new Date(Date.UTC(1990, 2, 5)))).toBe("05/03/1990");
  });

  it("reads dates as dd/mm/yyyy text or Excel date cells without a time-zone shift", () => {
    expect(parseDateCell("05/03/1990", refs.today)).toBe("1990-03-05");
    expect(parseDateCell("5-3-1990", refs.today)).toBe("1990-03-05");
    expect(parseDateCell("05/03/1990 00:00:00", refs.today)).toBe("1990-03-05");
    expect(parseDateCell(new Date(Date.UTC(1990, 2, 5)), refs.today)).toBe("1990-03-05");
    expect(parseDateCell(new Date(Date.UTC(1990, 2, 4, 23, 59, 59, 998)), refs.today)).toBe("1990-03-05");
    expect(parseDateCell(new Date(Date.UTC(1990, 2, 5, 15, 30)), refs.today)).toBe("1990-03-05"); // a date-time cell
    expect(parseDateCell(32937, refs.today)).toBe("1990-03-05"); // a date cell that lost its format
    expect(parseDateCell(1990, refs.today)).toBe("invalid");
    expect(parseDateCell("31/02/1990", refs.today)).toBe("invalid");
    expect(parseDateCell("01/01/2030", refs.today)).toBe("invalid");
    expect(parseDateCell("", refs.today)).toBeNull();
  });

  it("reads gender, CCCD and phone numbers the way people type them", () => {
    expect(["Nam", "nam", "NAM"].map(parseGender)).toEqual(["Nam", "Nam", "Nam"]);
    expect(["Nữ", "nữ", "NỮ", "nu", "Nu", "nữ".normalize("NFD")].map(parseGender)).toEqual(Array(6).fill("Nữ"));
    expect(parseGender("x")).toBe("invalid");
    expect(parseCccd("038 190 000 123")).toBe("038190000123");
    expect(parseCccd(38190000123)).toBe("038190000123"); // a number cell dropped the leading 0
    expect(parseCccd("123456789")).toBe("invalid");
    expect(parseCccd("38190000123")).toBe("invalid");
    expect(parsePhone("+84 912 345 678")).toBe("0912345678");
    expect(parsePhone("0912.345.678")).toBe("0912345678");
    expect(parsePhone(912345678)).toBe("0912345678");
    expect(parsePhone("12")).toBe("invalid");
  });
});

describe("fastMatchKey", () => {
  it("gives exactly matchKey's result", () => {
    const samples = [
      "Nguyễn Thị Thuỷ", "NGUYỄN THỊ THỦY".normalize("NFD"), "  hoà   bình ", "Xã Thọ Bình", "UBND xã Thái Hoà", "H'Mông", "Khơ-me",
      "Qúy", "khuỷu tay", "Ng\u200Buyễn Văn A", "Phóng viên, biên tập viên", "", "a\tb", "Đặng Thị Ngọc Ánh", "Hoàng Văn Thuý",
    ];
    for (const s of samples) expect(fastMatchKey(s)).toBe(matchKey(s));
    expect(fastMatchKey("Thuỷ")).toBe(fastMatchKey("Thủy"));
  });
});

describe("header", () => {
  it("finds the header below title lines, with split name columns and unknown columns listed", () => {
    const rows: RawRow[] = [
      { line: 1, cells: ["DANH SÁCH HỌC VIÊN"] },
      { line: 3, cells: ["STT", "Họ", "Tên đệm", "Tên", "Ngày sinh", "Quê quán"] },
      { line: 4, cells: [1, "nguyễn", "thị thu", "hà", "05/03/1990", "Thanh Hóa"] },
    ];
    const h = findHeader(rows);
    expect(h.index).toBe(1);
    expect(h.columns).toMatchObject({ ho: 1, tenDem: 2, ten: 3, dateOfBirth: 4 });
    expect(h.ignored).toEqual([{ index: 5, label: "Quê quán", field: null }]);
    const [r] = checkRows(rows, h, look);
    expect(r).toMatchObject({ line: 4, errors: [], person: { ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà", fullName: "Nguyễn Thị Thu Hà", dateOfBirth: "1990-03-05" } });
  });

  it("refuses a file without a name column", () => {
    expect(() => findHeader([{ line: 1, cells: ["Tên đơn vị", "Mã"] }])).toThrow(RosterFileError);
  });
});

describe("checkRows", () => {
  it("normalises a valid row: NFC, capitalised, references by name ignoring case and tone placement", () => {
    const [r] = check(table([1, "  NGUYỄN thị THUỶ ".normalize("NFD"), "05/03/1990", "nữ", "kinh", "Chuyên viên", "xã thọ bình", "cán bộ cấp xã", "038190000123", "+84912345678", "Ha@Example.VN"]));
    expect(r.errors).toEqual([]);
    expect(r.person).toEqual({
      ho: "Nguyễn", tenDem: "Thị", ten: "Thuỷ", fullName: "Nguyễn Thị Thuỷ", dateOfBirth: "1990-03-05", birthYear: null, gender: "Nữ", ethnicityCode: "01",
      position: "Chuyên viên", unitCode: "X-THOBINH", categoryId: 1, cccd: "038190000123", phone: "0912345678", email: "ha@example.vn",
    });
    expect(r.person.fullName).toBe(r.person.fullName.normalize("NFC"));
    expect(r.display.unit).toBe("Xã Thọ Bình");
  });

  it("matches units without the Xã/Thị trấn prefix, former units, codes, and ethnic names written differently", () => {
    const rows = check(table(
      [1, "Lê Văn A", "", "", "H'Mông", "", "Triệu Sơn"],
      [2, "Lê Văn B", "", "", "khơ me", "", "UBND xã Thái Hoà"],
      [3, "Lê Văn C", "", "", "06", "", "Thị trấn Nưa"],
      [4, "Lê Văn D", "", "", "", "", "x-trieuson"],
    ));
    expect(rows.map((r) => r.errors)).toEqual([[], [], [], []]);
    expect(rows.map((r) => [r.person.unitCode, r.person.ethnicityCode])).toEqual([["X-TRIEUSON", "08"], ["TS-THAIHOA", "05"], ["TS-TTNUA", "06"], ["X-TRIEUSON", null]]);
  });

  it("reports every problem of a row with its line, and skips empty rows", () => {
    const rows = check(table(
      [],
      [1, "Trần Văn Bình", "31/02/1990", "không rõ", "Người Sao Hỏa", "", "Xã Không Có", "Khách mời", "123456789", "12", "khong-phai-email"],
      ["", "", "", "", "", "", "", "", "", "", ""],
      [2, "Bình", "", "", "", "", "", "", "", "", ""],
      [3, "", "05/03/1990"],
    ));
    expect(rows.map((r) => r.line)).toEqual([3, 5, 6]);
    expect(rows[0].errors).toEqual([
      'Ngày sinh không hợp lệ (dd/mm/yyyy): "31/02/1990"',
      'Giới tính phải là Nam hoặc Nữ: "không rõ"',
      'Không có dân tộc "Người Sao Hỏa" trong danh mục',
      'Không có đối tượng "Khách mời" trong danh mục',
      'Số CCCD phải gồm đúng 12 chữ số: "123456789"',
      'Số điện thoại phải gồm 9–11 chữ số: "12"',
      'Email không hợp lệ: "khong-phai-email"',
    ]);
    expect(rows[0].warnings).toEqual(['Đơn vị "Xã Không Có" chưa có trong danh mục: chọn đơn vị ở trên, nếu không sẽ để trống']);
    expect(rows[0].unknownUnit).toBe("Xã Không Có");
    expect(rows[0].display).toMatchObject({ dateOfBirth: "31/02/1990", unit: "Xã Không Có", cccd: "123456789" });
    expect(rows[1].errors).toEqual(["Họ và tên phải có ít nhất họ và tên"]);
    expect(rows[2].errors).toEqual(["Thiếu họ và tên"]);
  });
});

describe("resolveRows", () => {
  const known = (p: Partial<KnownPerson> & { id: number; fullName: string }): KnownPerson =>
    ({ cccd: null, phone: null, dateOfBirth: null, birthYear: null, gender: null, unitCode: null, ...p });
  const existing = indexPeople([
    known({ id: 10, fullName: "Nguyễn Thị Thu Hà", dateOfBirth: "1990-03-05" }),
    known({ id: 11, fullName: "Phạm Văn Nam", cccd: "038190000999", phone: "0911111111" }),
    known({ id: 12, fullName: "Hoàng Văn Cơ Quan", cccd: "038190000777", phone: "0222222222", dateOfBirth: "1970-01-01" }),
  ]);

  it("matches by CCCD, else phone, else name + date of birth, NFC or NFD and either tone placement", () => {
    const rows = resolveRows(check(table(
      [1, "nguyễn thị thu hà".normalize("NFD"), "05/03/1990"],
      [2, "Phạm V. Nam", "", "", "", "", "", "", "038190000999"],
      [3, "Phạm Văn Nam", "", "", "", "", "", "", "", "0911111111"],
      [4, "Người Khác", "01/01/1980", "", "", "", "", "", "", "0222222222"], // shared office phone, other birth date
      [5, "Người Mới", "01/01/1981"],
    )), existing, new Set([10]));
    expect(rows.map((r) => [r.match?.id ?? null, r.match?.via ?? null, r.already])).toEqual([
      [10, "nameDob", true], [11, "cccd", false], [null, null, false], [null, null, false], [null, null, false],
    ]);
    expect(rows[2].errors).toEqual(["Cùng một người trong hệ thống với dòng 3"]);
    // The shared phone with another name and birth date is a conflict, never a match.
    expect(rows[3].conflict).toMatchObject({ id: 12, via: "phone", reasons: ["name", "birth"], resolution: null });
    expect(countRows(rows)).toMatchObject({ conflicts: 1, toAdd: 2 });
  });

  it("flags duplicates inside the file: NFC/NFD names, same CCCD, identical rows", () => {
    const rows = resolveRows(check(table(
      [1, "Trần Thị Hoà", "02/02/1992"],
      [2, "Trần Thị Hòa".normalize("NFD"), "02/02/1992"],
      [3, "Lê Văn A", "", "", "", "", "", "", "038000000001"],
      [4, "Lê Văn Á", "", "", "", "", "", "", "038000000001"],
      [5, "Vũ Văn Tên", "", "", "", "", "Xã Triệu Sơn"],
      [6, "Vũ Văn Tên", "", "", "", "", "Xã Triệu Sơn"],
      [7, "Vũ Văn Tên", "", "", "", "", "Xã Thọ Bình"],
    )), indexPeople([]), new Set());
    expect(rows.map((r) => r.errors)).toEqual([
      [], ["Trùng với dòng 2 (theo họ tên và ngày sinh)"], [], ["Trùng với dòng 4 (theo số CCCD)"], [], ["Trùng với dòng 6 (nội dung giống hệt)"], [],
    ]);
    expect(countRows(rows)).toEqual({ rows: 7, valid: 4, invalid: 3, existing: 0, created: 4, already: 0, conflicts: 0, warnings: 2, toAdd: 4 });
  });

  it("previewSample keeps every row with an error and the first valid rows", () => {
    const rows = resolveRows(check(table(...Array.from({ length: 30 }, (_, i) => [i, `Lê Văn ${String.fromCharCode(65 + (i % 26))}${i}`, i % 10 === 9 ? "bad" : "01/01/1990"]))), indexPeople([]), new Set());
    const sample = previewSample(rows, 10);
    expect(sample).toHaveLength(10);
    expect(sample.filter((r) => r.errors.length)).toHaveLength(3);
    // Problems first, each group in file order.
    expect(sample.slice(0, 3).every((r) => r.errors.length)).toBe(true);
    expect(sample.slice(3).map((r) => r.line)).toEqual([...sample.slice(3).map((r) => r.line)].sort((a, b) => a - b));
    expect(previewSample(rows, 100)).toHaveLength(rows.length);
  });
});
