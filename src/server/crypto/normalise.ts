import { isReceiptWord } from "./wordlist.js";

/**
 * Normalisers: the canonical form of a value before it is blind-indexed (blind-index.ts) or
 * hashed (receipt.ts). Two spellings of the same thing must give the same string; a value that
 * cannot be understood gives null (no index, rather than a wrong one).
 *
 * Names are folded deliberately hard: Cyrillic is transliterated to Latin and common Latin
 * spelling variants are collapsed, so "Иванов Иван", "Ivanov Ivan" and "IVANOV  IVAN" meet, and
 * so do "Юрий"/"Yuriy"/"Iurii"/"Jurij" or "Фёдор"/"Fyodor"/"Fedor". The price is more false
 * matches; every match is only a hint that a person confirms on the decrypted record.
 */

// Cyrillic → Latin, close to the ICAO Doc 9303 scheme used in Russian and Ukrainian passports.
const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "i", к: "k", л: "l",
  м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh",
  щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "iu", я: "ia", і: "i", ї: "i", є: "ie", ґ: "g", ў: "u",
};

function transliterate(lower: string): string {
  let out = "";
  for (const ch of lower) out += CYRILLIC_TO_LATIN[ch] ?? ch;
  return out;
}

/** Strips Latin diacritics ("José" → "jose"); run after transliteration (NFKD would split "й"). */
function stripMarks(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "");
}

// Applied in order to every name token. Each rule merges spellings that romanisation schemes
// (ICAO, BGN/PCGN, German, Polish, English habits) produce for the same Cyrillic letters.
const NAME_FOLDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/x/g, "ks"], // Aleksandr / Alexander
  [/w/g, "v"], // Wladimir / Vladimir
  [/ph/g, "f"],
  [/q/g, "k"],
  [/ck/g, "k"],
  [/kh/g, "h"], // Khodorkovsky / Hodorkovsky
  [/j/g, "i"], // Jurij / Yuriy / Iurii
  [/y/g, "i"], // Dmitriy / Dmitrii, Natalya / Natalia (ы is folded here too)
  [/ie/g, "e"], // Yevgeny / Evgenii, Andreyev / Andreev
  [/io/g, "e"], // Fyodor / Fedor, Pyotr / Petr (ё written "yo")
  [/(.)\1+/g, "$1"], // Iurii / Yuri, Alla / Ala
];

function foldNameToken(token: string): string {
  let t = token;
  for (const [pattern, replacement] of NAME_FOLDS) t = t.replace(pattern, replacement);
  return t;
}

/** The folded tokens of a name, in the order written (for per-token indexes). */
export function nameTokens(input: string): string[] {
  const latin = stripMarks(transliterate(input.normalize("NFKC").toLowerCase()));
  return latin
    .split(/[^a-z]+/)
    .filter((t) => t.length > 0)
    .map(foldNameToken)
    .filter((t) => t.length > 0);
}

/** Canonical full name: folded tokens sorted, so word order does not matter ("Ivan Ivanov" = "Ivanov Ivan"). */
export function normaliseName(input: string): string | null {
  const tokens = nameTokens(input);
  return tokens.length === 0 ? null : [...tokens].sort().join(" ");
}

/**
 * Phone number to E.164 ("+79990001122"). Understood: "+<digits>", the international "00"
 * prefix, the Russian trunk prefix 8 (8 999 … → +7 999 …), 7XXXXXXXXXX without "+", a bare
 * Russian mobile number of 10 digits starting with 9, and a Ukrainian national number of 10
 * digits starting with 0 (0XX → +380XX). Anything else without "+" is taken as already
 * international. Null outside 8–15 digits or for letters.
 */
export function normalisePhone(input: string): string | null {
  const trimmed = input.normalize("NFKC").trim();
  if (!/^\+?[\d\s\-().]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, "");
  if (!trimmed.startsWith("+")) {
    if (digits.startsWith("00")) digits = digits.slice(2);
    else if (digits.length === 11 && digits.startsWith("8")) digits = `7${digits.slice(1)}`;
    else if (digits.length === 10 && digits.startsWith("9")) digits = `7${digits}`;
    else if (digits.length === 10 && digits.startsWith("0")) digits = `38${digits}`;
  }
  if (digits.length < 8 || digits.length > 15 || digits.startsWith("0")) return null;
  return `+${digits}`;
}

// Cyrillic capitals that look like Latin ones: a service number copied from a Cyrillic document
// and one typed on a Latin keyboard by eye must meet.
const LOOKALIKES: Readonly<Record<string, string>> = {
  А: "A", В: "B", Е: "E", Ё: "E", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", У: "Y", Х: "X",
};

/**
 * Service (personal) number: upper case, separators dropped, Cyrillic look-alike letters to their
 * Latin twins, other Cyrillic letters transliterated (Ж → ZH). A number typed phonetically
 * (N for Н) does not meet its look-alike form; that is the documented limit.
 */
export function normaliseServiceNumber(input: string): string | null {
  let out = "";
  for (const ch of input.normalize("NFKC").toUpperCase()) {
    out += LOOKALIKES[ch] ?? (CYRILLIC_TO_LATIN[ch.toLowerCase()]?.toUpperCase() ?? ch);
  }
  out = out.replace(/[^A-Z0-9]/g, "");
  return out.length === 0 ? null : out;
}

/** Calendar date to ISO "YYYY-MM-DD". Accepts YYYY-MM-DD and DD.MM.YYYY (also with / or -). */
export function normaliseDate(input: string): string | null {
  const t = input.normalize("NFKC").trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(t);
  const dmy = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Numeric Telegram user id, leading zeros dropped. */
export function normaliseTelegramId(input: string): string | null {
  const t = input.normalize("NFKC").trim();
  if (!/^\d{1,20}$/.test(t)) return null;
  const stripped = t.replace(/^0+/, "");
  return stripped.length === 0 ? null : stripped;
}

/** Telegram username: "@Name", "t.me/Name" or "Name" → "name" (usernames are case-insensitive). */
export function normaliseTelegramUsername(input: string): string | null {
  const t = input
    .normalize("NFKC")
    .trim()
    .toLowerCase()
    .replace(/^(https?:\/\/)?(t\.me|telegram\.me)\//, "")
    .replace(/^@/, "");
  return /^[a-z][a-z0-9_]{3,31}$/.test(t) ? t : null;
}

// A word typed on a Russian layout by sound: only the letters the word list uses.
const RECEIPT_CYRILLIC: Readonly<Record<string, string>> = {
  б: "b", д: "d", ф: "f", г: "g", к: "k", л: "l", м: "m", н: "n", п: "p", р: "r", с: "s", т: "t", в: "v", з: "z",
  а: "a", е: "e", э: "e", и: "i", і: "i", о: "o", у: "u",
};

/** Number of digits and of words in a receipt code (receipt.ts documents the choice). */
export const RECEIPT_DIGITS = 16;
export const RECEIPT_WORD_COUNT = 7;

/**
 * Canonical receipt code: 16 digits with every separator dropped ("1234567890123456"), or the
 * 7 words in lower case separated by single spaces. Null when the input is neither (wrong
 * length, a word not in the list). Words typed in Cyrillic by sound are mapped back.
 */
export function normaliseReceiptCode(input: string): string | null {
  const t = input.normalize("NFKC").trim().toLowerCase();
  if (t.length === 0 || t.length > 200) return null;
  if (/^[\d\s\-.()+]+$/.test(t)) {
    const digits = t.replace(/\D/g, "");
    return digits.length === RECEIPT_DIGITS ? digits : null;
  }
  let latin = "";
  for (const ch of t) latin += RECEIPT_CYRILLIC[ch] ?? ch;
  const words = latin.split(/[^a-z]+/).filter((w) => w.length > 0);
  if (words.length !== RECEIPT_WORD_COUNT || !words.every(isReceiptWord)) return null;
  if (!/^[a-z\s\-.,_]+$/.test(latin)) return null;
  return words.join(" ");
}
