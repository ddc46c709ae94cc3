import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";

/**
 * How hard a staff password is to guess, by zxcvbn-ts (common passwords, keyboard walks, dates,
 * repeats, the person's own name), shared by the server, which refuses a weak one, and the
 * console, which says so while he types. A length rule alone let "password1234" through.
 */
export const MIN_PASSWORD_SCORE = 3;

// Words anyone attacking this service would try first.
const SERVICE_WORDS = ["safepassage", "safe passage", "hochu zhit", "khochu zhyty", "хочу жить", "хочу жити", "hotline", "гаряча лінія", "пароль", "parol", "ukraine", "україна", "slava ukraini"];

let factory: ZxcvbnFactory | null = null;
const zxcvbn = () => (factory ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, service: SERVICE_WORDS }, graphs: common.adjacencyGraphs }));

export interface PasswordStrength {
  /** 0 (guessed at once) … 4 (very hard). */
  score: number;
  ok: boolean;
  /** zxcvbn's warning key ("similarToCommon", "userInputs", …), translated by the console. */
  warning: string | null;
}

export function passwordStrength(password: string, personal: string[] = []): PasswordStrength {
  // zxcvbn's cost grows with length; beyond 100 characters the score is 4 anyway.
  const r = zxcvbn().check(password.slice(0, 100), personal.filter(Boolean));
  return { score: r.score, ok: r.score >= MIN_PASSWORD_SCORE, warning: r.feedback.warning ?? null };
}
