/** Errors services may throw; the error middleware maps each status to a page or JSON. */
export class HttpError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}
export class NotFound extends HttpError {
  constructor(message = "Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.") {
    super(404, message);
  }
}
export class Forbidden extends HttpError {
  constructor(message = "Bạn không có quyền thực hiện thao tác này.") {
    super(403, message);
  }
}
/** A link the error page offers next to the message (e.g. to the page that fixes the cause). */
export interface ErrorLink {
  href: string;
  label: string;
}
export class Conflict extends HttpError {
  constructor(message: string, public link?: ErrorLink) {
    super(409, message);
  }
}
/** A form or import failed validation: field → message. */
export class ValidationError extends HttpError {
  constructor(public fields: Record<string, string>, message = "Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.") {
    super(422, message);
  }
}
