import ExcelJS from "exceljs";
import { assertZipWithinLimits, ZipBombError, ZipFormatError } from "../../src/lib/zip-guard";
import { zipBomb } from "../helpers/zip-bomb";

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
