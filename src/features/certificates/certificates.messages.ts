/** Visible text of certificates and rosters (part of `t` as t.certificates, see src/lib/messages.ts). */
export const certificatesMessages = {
  title: "Giấy chứng nhận",
};
