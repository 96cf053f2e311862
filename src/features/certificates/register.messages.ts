/** Texts of the printed register book (the PDF): group headings, columns, totals, closing line. */
export const registerMessages = {
  /** Columns of the PDF: course and period move to the group heading above each course's rows. */
  pdfColumns: ["Số vào sổ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Đơn vị", "Kết quả", "Ngày cấp", "Người nhận ký", "Ghi chú"],
  group: (course: string, period: string) => `Khóa/lớp: ${course} (thời gian học: ${period})`,
  total: (n: number) => `Tổng số: ${n} giấy chứng nhận`,
  range: (first: string, last: string) => `(từ số ${first} đến số ${last})`,
  breakdown: (valid: number, revoked: number, reissued: number, superseded: number) =>
    `Trong đó: ${valid} giấy còn hiệu lực; ${revoked} giấy đã thu hồi; ${reissued} giấy cấp lại, thay ${superseded} giấy đã được cấp lại.`,
  closing: (pages: number, count: number) => `Sổ này có ${pages} trang, ${count} giấy chứng nhận.`,
};
