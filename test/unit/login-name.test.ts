/** Logins for office-made accounts and one-time passwords (pure). */
import { loginBase, loginPattern, pickLogin } from "../../src/features/users/login-name";
import { oneTimePassword } from "../../src/lib/passwords";

test("login names: given name + initials without diacritics, numbered when taken; one-time passwords are readable", () => {
  expect(loginBase({ ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà" })).toBe("hantt");
  expect(loginBase({ ho: "Đặng", tenDem: "", ten: "Ưng" })).toBe("ungd");
  expect(loginBase({ ho: "Lê", tenDem: "", ten: "A" })).toBe("hval");
  const taken = new Set(["hantt", "hantt2"]);
  expect(pickLogin("hantt", taken)).toBe("hantt3");
  expect(pickLogin("hantt", taken)).toBe("hantt4");
  for (let i = 0; i < 200; i++) expect(oneTimePassword()).toMatch(/^[a-hjkmnp-z2-9]{10}$/);
});

test("the pattern finds every login pickLogin could give, and no other", () => {
  const re = new RegExp(loginPattern(["hantt", "binhlv", "hantt"]));
  for (const ok of ["hantt", "hantt2", "hantt17", "binhlv"]) expect(re.test(ok)).toBe(true);
  for (const no of ["xhantt", "hantt.b", "binh", "hantt2x"]) expect(re.test(no)).toBe(false);
});
