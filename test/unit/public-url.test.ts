import { checkPublicUrl, isLoopbackHost, joinUrl } from "../../src/lib/public-url";
import { t } from "../../src/messages";
import { bodyKind, signerProblem } from "../../src/features/settings/signer-rules";

describe("public address", () => {
  it("treats localhost, 127.x, ::1 and friends as loopback, real hosts not", () => {
    for (const h of ["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.5.6.7", "[::1]", "::1", "0.0.0.0", "[::ffff:7f00:1]"]) expect([h, isLoopbackHost(h)]).toEqual([h, true]);
    for (const h of ["taphuan.test", "10.0.0.5", "192.168.1.20", "taphuan.thanhhoa.gov.vn", "[2001:db8::1]", "localhost-proxy.vn"]) expect([h, isLoopbackHost(h)]).toEqual([h, false]);
  });

  it("accepts http(s) addresses, normalised without a trailing slash; refuses the rest with a Vietnamese message", () => {
    expect(checkPublicUrl(" https://TapHuan.vn/ ")).toEqual({ ok: true, url: "https://taphuan.vn" });
    expect(checkPublicUrl("http://192.168.1.20:3000/gcn/")).toEqual({ ok: true, url: "http://192.168.1.20:3000/gcn" });
    expect(checkPublicUrl("http://2130706433/")).toEqual({ ok: false, message: t.publicUrl.loopbackField }); // 127.0.0.1 spelt as a number
    expect(checkPublicUrl("http://localhost:3000")).toEqual({ ok: false, message: t.publicUrl.loopbackField });
    for (const bad of ["taphuan.vn", "ftp://taphuan.vn", "https://taphuan.vn/?x=1", "https://taphuan.vn/#a", "http://a:b@taphuan.vn", "javascript:alert(1)", ""]) {
      expect([bad, checkPublicUrl(bad)]).toEqual([bad, { ok: false, message: t.publicUrl.invalid }]);
    }
  });

  it("joins a base and a path with one slash", () => {
    expect(joinUrl("https://a.vn/", "/verify/x")).toBe("https://a.vn/verify/x");
    expect(joinUrl("https://a.vn/gcn", "verify/x")).toBe("https://a.vn/gcn/verify/x");
  });
});

describe("signer matches the issuing body", () => {
  const check = (issuingBody: string, signerPrefix: string, signerTitle: string) => signerProblem({ issuingBody, signerPrefix, signerTitle });

  it("knows a Phòng from an Ủy ban nhân dân", () => {
    expect(bodyKind("Phòng Văn hóa - Xã hội")).toBe("phong");
    expect(bodyKind("UBND xã Triệu Sơn")).toBe("ubnd");
    expect(bodyKind("Uỷ ban nhân dân xã Thọ Bình")).toBe("ubnd");
    expect(bodyKind("Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch")).toBe("other");
  });

  it("a Phòng is signed by its TRƯỞNG PHÒNG or KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG, never a CHỦ TỊCH", () => {
    expect(check("Phòng Văn hóa - Xã hội", "", "TRƯỞNG PHÒNG")).toBeNull();
    expect(check("Phòng Văn hóa - Xã hội", "kt trưởng phòng", "Phó trưởng phòng")).toBeNull();
    expect(check("Phòng Văn hóa và Thông tin", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")).toMatch(/^Người ký không khớp cơ quan ban hành: «Phòng Văn hóa và Thông tin» không ký bằng «KT. CHỦ TỊCH \/ PHÓ CHỦ TỊCH»/);
  });

  it("an Ủy ban nhân dân is signed by its CHỦ TỊCH (or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)", () => {
    expect(check("Ủy ban nhân dân xã Triệu Sơn", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")).toBeNull();
    expect(check("Ủy ban nhân dân xã Triệu Sơn", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")).toBeNull();
    expect(check("Ủy ban nhân dân xã Triệu Sơn", "", "TRƯỞNG PHÒNG")).toMatch(/không khớp/);
  });

  it("other bodies are free, but a KT. prefix goes with the deputy's title", () => {
    expect(check("Trung tâm Văn hóa", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")).toBeNull();
    expect(check("Trung tâm Văn hóa", "", "GIÁM ĐỐC")).toBeNull();
    expect(check("Trung tâm Văn hóa", "KT. GIÁM ĐỐC", "PHÓ CHỦ TỊCH")).toBe(t.settings.signerDeputy("KT. GIÁM ĐỐC / PHÓ CHỦ TỊCH", "PHÓ GIÁM ĐỐC"));
  });
});
