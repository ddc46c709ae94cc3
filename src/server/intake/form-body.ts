/**
 * A strict reader for application/x-www-form-urlencoded bodies. A browser never sends anything
 * this refuses, so a refusal means a crafted request: it gets a 400 and nothing is stored.
 * Refused: bad percent-encoding, bytes that are not UTF-8 (decoded with a fatal decoder instead of
 * being silently replaced), control characters other than tab and line breaks, unknown field
 * names, a field repeated unless it is declared as a list (checkboxes), too many fields, and a
 * value over the hard cap. Lengths a person can exceed (a long message) are checked later, by
 * the schema, so that he gets his form back with an explanation.
 */
export type FormValues = Record<string, string | string[]>;

export type FormBodyProblem = "encoding" | "utf8" | "control" | "unknown_field" | "repeated_field" | "too_many_fields" | "too_long";

export class FormBodyError extends Error {
  constructor(readonly problem: FormBodyProblem) {
    super(`form body refused: ${problem}`);
  }
}

export interface FormSpec {
  /** Every accepted field name. */
  fields: readonly string[];
  /** Fields that may repeat (checkbox groups); they always come back as arrays. */
  lists?: readonly string[];
  maxFields?: number;
  /** Hard cap per value in characters, well above any schema limit. */
  maxChars?: number;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// C0 controls except tab, LF and CR; DEL; C1 controls. (Lone surrogates cannot pass the fatal decoder.)
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function hex(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

function decodePart(bytes: Buffer): string {
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x2b) out[n++] = 0x20;
    else if (b === 0x25) {
      const hi = hex(bytes[i + 1] ?? -1);
      const lo = hex(bytes[i + 2] ?? -1);
      if (hi < 0 || lo < 0) throw new FormBodyError("encoding");
      out[n++] = hi * 16 + lo;
      i += 2;
    } else out[n++] = b;
  }
  let text: string;
  try {
    text = decoder.decode(out.subarray(0, n));
  } catch {
    throw new FormBodyError("utf8");
  }
  if (hasControl(text)) throw new FormBodyError("control");
  return text.replace(/\r\n?/g, "\n").normalize("NFC");
}

export function parseFormBody(body: Buffer, spec: FormSpec): FormValues {
  const known = new Set(spec.fields);
  const lists = new Set(spec.lists ?? []);
  const maxFields = spec.maxFields ?? 64;
  const maxChars = spec.maxChars ?? 20_000;
  const values: FormValues = {};
  let count = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26, start);
    if (end === -1) end = body.length;
    const pair = body.subarray(start, end);
    start = end + 1;
    if (pair.length === 0) continue;
    if (++count > maxFields) throw new FormBodyError("too_many_fields");
    const eq = pair.indexOf(0x3d);
    const name = decodePart(eq === -1 ? pair : pair.subarray(0, eq));
    const value = eq === -1 ? "" : decodePart(pair.subarray(eq + 1));
    if (!known.has(name)) throw new FormBodyError("unknown_field");
    if (value.length > maxChars) throw new FormBodyError("too_long");
    if (lists.has(name)) {
      const list = (values[name] ??= []) as string[];
      if (list.includes(value)) throw new FormBodyError("repeated_field");
      list.push(value);
    } else {
      if (name in values) throw new FormBodyError("repeated_field");
      values[name] = value;
    }
  }
  for (const name of lists) values[name] ??= [];
  return values;
}
