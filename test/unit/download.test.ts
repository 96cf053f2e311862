/** The one Content-Disposition every download carries (src/lib/download.ts). */
import { parse } from "content-disposition";
import { dispositionHeader } from "../../src/lib/download";

test("a Vietnamese name travels whole in filename*, with a plain-ASCII filename for old clients", () => {
  const header = dispositionHeader("Bài giảng – số 1 (bản in).pdf");
  expect(header).toBe(`attachment; filename="Bai giang - so 1 (ban in).pdf"; filename*=UTF-8''B%C3%A0i%20gi%E1%BA%A3ng%20%E2%80%93%20s%E1%BB%91%201%20%28b%E1%BA%A3n%20in%29.pdf`);
  expect(parse(header).parameters.filename).toBe("Bài giảng – số 1 (bản in).pdf");
});

test("typed text loses path separators, control characters and quotes in the ASCII name", () => {
  const header = dispositionHeader('Lớp 1/2026\r\nX-Injected: 1 "a\\b".xlsx');
  expect(header).not.toMatch(/[\r\n]/);
  expect(parse(header).parameters.filename).toBe('Lớp 1-2026X-Injected: 1 "a-b".xlsx');
  expect(header).toContain('filename="Lop 1-2026X-Injected: 1 _a-b_.xlsx"');
});

test("an ASCII name is sent once; inline is kept for the sign-in sheet", () => {
  expect(dispositionHeader("diem-danh-khoa-7.xlsx")).toBe("attachment; filename=diem-danh-khoa-7.xlsx");
  expect(dispositionHeader("So cap GCN 2026.pdf", "inline")).toBe('inline; filename="So cap GCN 2026.pdf"');
});
