import { ConfigError, parseEnv } from "../../src/config";

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

describe("WORKERS: server processes on this machine", () => {
  it("is one process when unset (or empty), else the number given", () => {
    expect(parseEnv({}).workers).toBe(1);
    expect(parseEnv({ WORKERS: "" }).workers).toBe(1);
    expect(parseEnv({ WORKERS: "1" }).workers).toBe(1);
    expect(parseEnv({ WORKERS: "4" }).workers).toBe(4);
  });

  it.each(["0", "-1", "1.5", "hai", "65"])("refuses %s with a Vietnamese message naming the variable", (value) => {
    expect(() => parseEnv({ WORKERS: value })).toThrow(ConfigError);
    expect(() => parseEnv({ WORKERS: value })).toThrow("WORKERS: phải là số nguyên từ 1 đến 64");
  });
});
