import ExcelJS from "exceljs";
import { marksWorkbook, neutraliseCell, signInSessions } from "../../src/features/attendance/attendance.export";
import type { CourseAttendance } from "../../src/features/attendance/attendance.service";
import { attendanceRate } from "../../src/features/attendance/attendance-rate";
import type { MarkStatus } from "../../src/db/schema";

describe("neutraliseCell", () => {
  it("prefixes text that a spreadsheet would run as a formula", () => {
    for (const s of ["=1+2", "+84912345678", "-5", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","bấm")']) expect(neutraliseCell(s)).toBe(`'${s}`);
  });
  it("leaves ordinary text alone", () => {
    for (const s of ["Nguyễn Thị Ánh", "Xã Triệu Sơn", "", "1/3", "a=b", "Trung tâm Văn hóa - Thông tin"]) expect(neutraliseCell(s)).toBe(s);
  });
});

describe("signInSessions", () => {
  it("keeps scheduled sessions and adds the start time only where a date has several", () => {
    const sessions = [
      { date: "2026-03-02", startTime: "07:30", cancelled: false },
      { date: "2026-03-02", startTime: "13:30", cancelled: false },
      { date: "2026-03-03", startTime: "07:30", cancelled: true },
      { date: "2026-03-04", startTime: "07:30", cancelled: false },
    ];
    expect(signInSessions(sessions)).toEqual([
      { date: "2026-03-02", label: "07:30" },
      { date: "2026-03-02", label: "13:30" },
      { date: "2026-03-04", label: undefined },
    ]);
  });
});

describe("marksWorkbook", () => {
  const sessions = [
    { id: 1, courseId: 1, date: "2026-03-02", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, cancelled: false, cancelReason: null },
    { id: 2, courseId: 1, date: "2026-03-03", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, cancelled: true, cancelReason: "Mưa" },
    { id: 3, courseId: 1, date: "2026-03-04", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, cancelled: false, cancelReason: null },
  ];
  const person = (userId: number, fullName: string, unitName: string | null, marks: [number, MarkStatus][]) => {
    const own = new Map(marks);
    return { userId, ho: "", tenDem: "", ten: fullName, fullName, dateOfBirth: "1990-03-05", birthYear: null, unitName, marks: own, rate: attendanceRate(sessions, own, false) };
  };
  const grid: CourseAttendance = {
    countExcused: false,
    sessions,
    rows: [person(7, "Nguyễn Thị Ánh", "Xã Triệu Sơn", [[1, "P"], [2, "P"]]), person(8, "=HYPERLINK(\"http://x\")", "@evil", [[1, "L"], [3, "E"]])],
  };

  it("has a title, a header, one row per person with a column per session, the counts and the rate; formulas are neutralised", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await marksWorkbook("-Lớp bồi dưỡng", grid)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe("Điểm danh");
    expect(ws.getCell("A1").value).toBe("'-Lớp bồi dưỡng");
    const values = (r: number) => (ws.getRow(r).values as unknown[]).slice(1);
    // The title (row 1) is merged across the table; a blank row; the header (row 3).
    expect(values(3)).toEqual(["TT", "Họ và tên", "Ngày sinh", "Đơn vị", "Buổi 1\n02/03/2026 07:30", "Buổi 2\n03/03/2026 07:30 (đã hủy)", "Buổi 3\n04/03/2026 07:30", "Số buổi có mặt", "Số buổi tính tỷ lệ", "Tỷ lệ"]);
    const born = new Date(Date.UTC(1990, 2, 5));
    expect(values(4)).toEqual([1, "Nguyễn Thị Ánh", born, "Xã Triệu Sơn", "CM", "CM", undefined, 1, 2, 0.5]);
    expect(values(5)).toEqual([2, "'=HYPERLINK(\"http://x\")", born, "'@evil", "M", undefined, "VP", 1, 2, 0.5]);
    expect(ws.getCell("C4").numFmt).toBe("dd/mm/yyyy");
    // No cell holds a formula.
    ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    expect(ws.getCell("A7").value).toBe("CM: có mặt; M: đi muộn; VP: vắng có phép; VK: vắng không phép");
  });
});
