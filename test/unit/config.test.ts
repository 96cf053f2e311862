import { parseEnv } from "../../src/config";

describe("HOST: the address the server listens on", () => {
  it("is every interface by default, and loopback behind a proxy (so X-Forwarded-For cannot be forged directly)", () => {
    expect(parseEnv({}).host).toBeUndefined();
    expect(parseEnv({ TRUST_PROXY: "true" }).host).toBe("127.0.0.1");
    expect(parseEnv({ TRUST_PROXY: "true", HOST: "10.0.0.5" }).host).toBe("10.0.0.5");
    expect(parseEnv({ HOST: "::1" }).host).toBe("::1");
  });

  it("refuses a value that is not an address, naming the variable", () => {
    expect(() => parseEnv({ HOST: "127.0.0.1; rm -rf /" })).toThrow(/HOST/);
  });
});
