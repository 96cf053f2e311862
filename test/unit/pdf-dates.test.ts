import { formatDm, formatDmy, formatPlaceDate, formatProseDate, parseIsoDate } from "../../src/lib/pdf/dates";

describe("pdf date helpers", () => {
  it("formats table and header dates", () => {
    expect(formatDmy("2026-03-05")).toBe("05/03/2026");
    expect(formatDm("2026-11-09")).toBe("09/11");
    expect(formatDmy("2026-03-05T23:30:00+07:00")).toBe("05/03/2026");
  });

  it("writes prose dates per NĐ 30 (day < 10 and months 1–2 zero-padded)", () => {
    expect(formatProseDate("2026-03-05")).toBe("ngày 05 tháng 3 năm 2026");
    expect(formatProseDate("2026-01-20")).toBe("ngày 20 tháng 01 năm 2026");
    expect(formatProseDate("2026-02-09")).toBe("ngày 09 tháng 02 năm 2026");
    expect(formatProseDate("2026-12-31")).toBe("ngày 31 tháng 12 năm 2026");
    expect(formatPlaceDate(" Triệu Sơn ", "2026-10-01")).toBe("Triệu Sơn, ngày 01 tháng 10 năm 2026");
  });

  it("rejects non-ISO input", () => {
    expect(() => parseIsoDate("05/03/2026")).toThrow();
    expect(() => parseIsoDate("2026-13-01")).toThrow();
  });
});
