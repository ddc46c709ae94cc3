import { passwordStrength } from "../../shared/password-strength.js";
import { AppError } from "../errors.js";

/**
 * Refuse a password that is easy to guess (issue 10, item 5), in the validation error shape the
 * console maps to its field. `personal` holds what the account already says about its owner
 * (username, display name): a password built from them is among the first guesses.
 */
export function assertStrongPassword(password: string, field: string, personal: string[]): void {
  const s = passwordStrength(password, personal);
  if (!s.ok) {
    throw new AppError("validation_failed", "the password is too easy to guess; a few random words work best", [{ path: `/${field}`, message: "weak_password", warning: s.warning, score: s.score }]);
  }
}
