import { formatCertificateNumber, newVerificationToken, validatePattern } from "../../src/features/certificates/numbering";

describe("formatCertificateNumber", () => {
  it("pads {seq} to 3 digits by default", () => {
    expect(formatCertificateNumber("{seq}/GCN-VHTT", { seq: 15, year: 2026 })).toBe("015/GCN-VHTT");
    expect(formatCertificateNumber("Số vào sổ: {seq}/{year}", { seq: 15, year: 2026 })).toBe("Số vào sổ: 015/2026");
  });

  it("honours an explicit width and never cuts a longer number", () => {
    expect(formatCertificateNumber("{seq:4}/{year}", { seq: 15, year: 2026 })).toBe("0015/2026");
    expect(formatCertificateNumber("{seq:1}", { seq: 7, year: 2026 })).toBe("7");
    expect(formatCertificateNumber("{seq}", { seq: 1234, year: 2026 })).toBe("1234");
  });

  it("fills {series} and refuses to print a number without it", () => {
    expect(formatCertificateNumber("{seq}/{series}", { seq: 3, year: 2026, series: "GCN-UBND" })).toBe("003/GCN-UBND");
    expect(() => formatCertificateNumber("{seq}/{series}", { seq: 3, year: 2026 })).toThrow(/series/);
  });

  it("returns NFC text even for a pattern typed in NFD", () => {
    const out = formatCertificateNumber("Số vào sổ: {seq}".normalize("NFD"), { seq: 1, year: 2026 });
    expect(out).toBe("Số vào sổ: 001".normalize("NFC"));
  });

  it("throws on invalid patterns and values", () => {
    expect(() => formatCertificateNumber("GCN/{year}", { seq: 1, year: 2026 })).toThrow("{seq}");
    expect(() => formatCertificateNumber("{seq}", { seq: 0, year: 2026 })).toThrow(RangeError);
    expect(() => formatCertificateNumber("{seq}", { seq: 1.5, year: 2026 })).toThrow(RangeError);
    expect(() => formatCertificateNumber("{seq}", { seq: 1, year: 26 })).toThrow(RangeError);
  });
});

describe("validatePattern", () => {
  it("accepts the usual patterns", () => {
    for (const p of ["{seq}/GCN-VHTT", "Số vào sổ: {seq}/{year}", "{seq:4}/{series}-{year}", "Số: {seq}"]) {
      expect(validatePattern(p)).toBeNull();
    }
  });

  it("explains in Vietnamese what is wrong", () => {
    expect(validatePattern("GCN/{year}")).toMatch(/phải có \{seq\}/);
    expect(validatePattern("")).toMatch(/không được để trống/);
    expect(validatePattern("{seq}/{nam}")).toMatch(/không hợp lệ: \{nam\}/);
    expect(validatePattern("{SEQ}")).toMatch(/không hợp lệ: \{SEQ\}/);
    expect(validatePattern("{seq:x}")).toMatch(/không hợp lệ/);
    expect(validatePattern("{seq:0}")).toMatch(/từ 1 đến 9/);
    expect(validatePattern("{seq:12}")).toMatch(/từ 1 đến 9/);
    expect(validatePattern("{seq}/{year")).toMatch(/không khớp/);
    expect(validatePattern("{seq}}")).toMatch(/không khớp/);
    expect(validatePattern("{seq}\n{year}")).toMatch(/xuống dòng/);
    expect(validatePattern(`{seq}${"x".repeat(100)}`)).toMatch(/dài quá/);
  });
});

describe("newVerificationToken", () => {
  it("is 128 random bits in base64url", () => {
    const token = newVerificationToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(16);
  });

  it("never repeats over 10,000 draws and uses the whole alphabet", () => {
    const tokens = Array.from({ length: 10_000 }, newVerificationToken);
    expect(new Set(tokens).size).toBe(10_000);
    // A crude entropy check: a broken generator (constant bytes, few values) would show few symbols.
    const symbols = new Set(tokens.join(""));
    expect(symbols.size).toBe(64);
  });
});
