/** Visible text of class accounts, account slips and one-time passwords (part of `t` as t.accounts, see src/messages.ts). */
export const accountsMessages = {
  withoutLogin: (n: number) => `${n} học viên của lớp chưa có tài khoản đăng nhập.`,
  allHaveLogin: "Mọi học viên của lớp đã có tài khoản đăng nhập.",
  create: "Tạo tài khoản cho học viên chưa có",
  createHelp:
    "Mỗi học viên chưa có tài khoản được cấp tên đăng nhập và mật khẩu dùng một lần. Tệp PDF phiếu tài khoản (mỗi người một phiếu, có đường cắt) được tải về ngay: mật khẩu chỉ có trong tệp này, hãy in ra để phát cho học viên ở buổi học đầu tiên.",
  loginRule: "Tên đăng nhập: tên + chữ cái đầu của họ và tên đệm, không dấu (Nguyễn Thị Thu Hà → hantt); trùng thì thêm số (hantt2).",
  noneToCreate: "Không có học viên nào cần tạo tài khoản.",
  account: "Tài khoản",
  noAccount: "Chưa có",
  fileName: (course: string) => `Phieu tai khoan - ${course}.pdf`,
  slip: {
    docTitle: "Phiếu tài khoản",
    heading: "PHIẾU TÀI KHOẢN HỌC VIÊN",
    login: "Tên đăng nhập:",
    password: "Mật khẩu (dùng một lần):",
    address: "Địa chỉ:",
    firstLogin: "Lần đầu đăng nhập, bạn sẽ đặt mật khẩu mới (ít nhất 10 ký tự).",
  },
  reset: {
    title: "Mật khẩu mới",
    intro: "Mật khẩu dùng một lần dưới đây chỉ hiện trên trang này. Hãy gửi cho người dùng; lần đăng nhập đầu họ sẽ phải đặt mật khẩu mới.",
    login: "Tên đăng nhập",
    password: "Mật khẩu dùng một lần",
    back: "Quay lại hồ sơ",
  },
  first: {
    title: "Đặt mật khẩu mới",
    intro: "Bạn đang dùng mật khẩu một lần. Hãy đặt mật khẩu mới của riêng bạn (ít nhất 10 ký tự) trước khi tiếp tục.",
    tooShort: "Mật khẩu mới phải dài ít nhất 10 ký tự.",
    sameAsOld: "Mật khẩu mới phải khác mật khẩu dùng một lần.",
    save: "Lưu mật khẩu mới",
    done: "Đã đặt mật khẩu mới.",
  },
};
