import ExcelJS from "exceljs";
import { assertZipWithinLimits, unzipWithinLimits, ZipBombError, ZipFormatError } from "../../src/lib/zip-guard";
import { hostileXlsx, zipBomb } from "../helpers/zip-bomb";

test("a normal XLSX passes", async () => {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("DS").addRow(["Họ và tên", "Ngày sinh"]);
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  expect(() => assertZipWithinLimits(buf)).not.toThrow();
});

test("a zip bomb (tiny file, huge inflated size) is refused without inflating it all", async () => {
  const bomb = zipBomb([{ name: "xl/worksheets/sheet1.xml", size: 200 * 1024 * 1024 }]);
  expect(bomb.length).toBeLessThan(300 * 1024);
  const before = process.memoryUsage().rss;
  expect(() => assertZipWithinLimits(bomb, 50 * 1024 * 1024)).toThrow(ZipBombError);
  expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
});

test("garbage and lying headers are refused", () => {
  expect(() => assertZipWithinLimits(Buffer.from("không phải zip"))).toThrow(ZipFormatError);
  const fake = Buffer.alloc(100);
  fake.writeUInt32LE(0x06054b50, 78);
  fake.writeUInt16LE(1, 88);
  fake.writeUInt32LE(0, 94);
  expect(() => assertZipWithinLimits(fake)).toThrow(ZipFormatError);
});

test("the roster bound: a full 10,000-row roster of 12 formatted columns passes, a 90 MB-inflating one does not", async () => {
  const { XLSX_MAX_INFLATED } = await import("../../src/features/enrollment/import.service");
  const { MAX_ROWS } = await import("../../src/features/enrollment/import.read");
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("DS");
  ws.addRow(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Số CCCD", "Điện thoại", "Email", "Ghi chú"]);
  for (let i = 0; i < MAX_ROWS; i++) {
    const row = ws.addRow([i + 1, `Nguyễn Thị Thanh Hương ${i}`, "05/03/1990", "Nữ", "Kinh", "Phó Trưởng phòng Thông tin đối ngoại", `Ủy ban nhân dân xã Phước Long ${i % 50}`,
      "Cán bộ, công chức cấp xã", String(100000000000 + i), `09${String(i).padStart(8, "0")}`, `nguyen.thi.huong${i}@quangtri.gov.vn`, `Ghi chú dòng ${i}`]);
    row.eachCell((c) => (c.border = { top: { style: "thin" }, bottom: { style: "thin" } }));
  }
  const roster = Buffer.from(await wb.xlsx.writeBuffer());
  expect(() => assertZipWithinLimits(roster, XLSX_MAX_INFLATED)).not.toThrow();
  expect(() => assertZipWithinLimits(hostileXlsx(90 * 1024 * 1024), XLSX_MAX_INFLATED)).toThrow(ZipBombError);
});

test("an entry that inflates beyond its declared size reaches the parser cut to that size", () => {
  const zip = zipBomb([{ name: "xl/worksheets/sheet1.xml", size: 5 * 1024 * 1024 }]);
  // Declare 1 KB (local header and central directory): the deflate stream still holds 5 MB of spaces.
  zip.writeUInt32LE(1024, 22);
  zip.writeUInt32LE(1024, zip.readUInt32LE(zip.length - 6) + 24);
  const checked = assertZipWithinLimits(zip, 2 * 1024 * 1024);
  expect(checked.length).toBeLessThan(2048);
  expect(unzipWithinLimits(checked)["xl/worksheets/sheet1.xml"].length).toBe(1024);
});

test("more entries than allowed, and unknown compression methods, are refused", () => {
  const many = zipBomb(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.xml`, content: "x" })));
  expect(() => assertZipWithinLimits(many, 1024 * 1024, 10)).toThrow(ZipBombError);
  expect(() => assertZipWithinLimits(many, 1024 * 1024, 11)).not.toThrow();
  const lzma = zipBomb([{ name: "a.xml", content: "x" }]);
  lzma.writeUInt16LE(14, lzma.readUInt32LE(lzma.length - 6) + 10);
  expect(() => assertZipWithinLimits(lzma)).toThrow(ZipFormatError);
});
