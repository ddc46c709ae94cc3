import { ERROR_STATUS, type ErrorCode } from "../shared/errors.js";

/** Thrown by commands and routes; the HTTP layer turns it into the one error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = "not found") => new AppError("not_found", what);
