import { z } from "zod";
import { normalisePhone, normaliseTelegramUsername } from "../crypto/normalise.js";
import { CONTACTS, DEPLOYED, EQUIPMENT_CODES, RECEIPT_KINDS, REGIONS, TIMINGS, WHO } from "./choices.js";
import type { Catalog } from "./i18n.js";
import type { FormSpec, FormValues } from "./form-body.js";

/**
 * The request form's fields, limits and rules. A value a person could get wrong (a phone number,
 * a missing contact, a long message) is a field error: he gets the form back with everything he
 * typed. Only what a browser cannot send is refused outright, by form-body.ts.
 */
export const LIMITS = {
  name: 200,
  rank: 100,
  unit: 200,
  location: 500,
  equipment_note: 500,
  telegram: 64,
  whatsapp: 32,
  phone: 32,
  message: 4000,
  group_size: 6,
  code: 200,
} as const;

export const POW_FIELDS = ["form_token", "pow_nonce"] as const;

export const REQUEST_FORM: FormSpec = {
  fields: ["who", "group_size", "name", "rank", "unit", "deployed", "region", "location", "timing", "equipment", "equipment_note", "contact", "telegram", "whatsapp", "phone", "message", "receipt", ...POW_FIELDS],
  lists: ["equipment"],
  maxFields: 40,
};
export const RETURN_FORM: FormSpec = { fields: ["code", "message", ...POW_FIELDS], maxFields: 8 };
export const REPLY_FORM: FormSpec = { fields: ["message", "form_token"], maxFields: 3 };
export const LEAVE_FORM: FormSpec = { fields: ["form_token"], maxFields: 1 };
export const CONFIRM_FORM: FormSpec = { fields: ["form_token"], maxFields: 1 };

export type ErrorKey = keyof Catalog["errors"];
export interface FieldError {
  key: ErrorKey;
  n?: number;
}
export type FieldErrors = Partial<Record<string, FieldError>> & { _form?: FieldError };

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);
const text = (max: number) => z.preprocess(blankToUndefined, z.string().max(max, { error: "tooLong" }).optional());
const choice = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess(blankToUndefined, z.enum(values, { error: "choice" }).optional());

const requestSchema = z
  .object({
    who: choice(WHO),
    group_size: text(LIMITS.group_size),
    name: text(LIMITS.name),
    rank: text(LIMITS.rank),
    unit: text(LIMITS.unit),
    deployed: choice(DEPLOYED),
    region: choice(REGIONS),
    location: text(LIMITS.location),
    timing: choice(TIMINGS),
    equipment: z.array(z.enum(EQUIPMENT_CODES, { error: "choice" })).default([]),
    equipment_note: text(LIMITS.equipment_note),
    contact: choice(CONTACTS),
    telegram: text(LIMITS.telegram),
    whatsapp: text(LIMITS.whatsapp),
    phone: text(LIMITS.phone),
    message: text(LIMITS.message),
    receipt: choice(RECEIPT_KINDS),
    form_token: z.string().max(200).optional(),
    pow_nonce: z.string().max(32).optional(),
  })
  .strict();

export type RequestFields = z.infer<typeof requestSchema>;

export interface ValidRequest {
  groupSize: number;
  name?: string;
  rank?: string;
  unit?: string;
  deployed?: (typeof DEPLOYED)[number];
  region?: (typeof REGIONS)[number];
  location?: string;
  timing?: (typeof TIMINGS)[number];
  equipment: string[];
  equipmentNote?: string;
  contact: (typeof CONTACTS)[number];
  telegram?: { username?: string; phone?: string; raw: string };
  whatsapp?: string;
  phone?: string;
  message?: string;
  receipt: (typeof RECEIPT_KINDS)[number];
}

/** Validate the request form; field errors name the catalog text that explains each one. */
export function validateRequest(values: FormValues): { ok: true; value: ValidRequest } | { ok: false; errors: FieldErrors } {
  const parsed = requestSchema.safeParse(values);
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "_form");
      const key = (issue.message === "tooLong" ? "tooLong" : "choice") as ErrorKey;
      errors[field] ??= key === "tooLong" ? { key, n: LIMITS[field as keyof typeof LIMITS] } : { key };
    }
    return { ok: false, errors };
  }
  const f = parsed.data;

  let groupSize = 1;
  if (f.who === "group" || (f.who === undefined && f.group_size !== undefined)) {
    const n = f.group_size !== undefined && /^\d{1,3}$/.test(f.group_size) ? Number(f.group_size) : NaN;
    if (!(n >= 2 && n <= 500)) errors.group_size = { key: "groupSize" };
    else groupSize = n;
  }

  let telegram: ValidRequest["telegram"];
  if (f.telegram !== undefined) {
    const username = normaliseTelegramUsername(f.telegram);
    const phone = username ? null : normalisePhone(f.telegram);
    if (!username && !phone) errors.telegram = { key: "telegramInvalid" };
    else telegram = { raw: f.telegram, ...(username ? { username } : {}), ...(phone ? { phone } : {}) };
  } else if (f.contact === "telegram") errors.telegram = { key: "telegramMissing" };

  const phoneField = (field: "whatsapp" | "phone", missing: ErrorKey): string | undefined => {
    const raw = f[field];
    if (raw === undefined) {
      if (f.contact === field) errors[field] = { key: missing };
      return undefined;
    }
    const normalised = normalisePhone(raw);
    if (!normalised) errors[field] = { key: "phoneInvalid" };
    return normalised ?? undefined;
  };
  const whatsapp = phoneField("whatsapp", "whatsappMissing");
  const phone = phoneField("phone", "phoneMissing");

  const said = [f.name, f.rank, f.unit, f.location, f.equipment_note, f.telegram, f.whatsapp, f.phone, f.message, f.group_size, f.deployed, f.region, f.timing].some((v) => v !== undefined) || f.equipment.length > 0;
  if (!said) errors._form = { key: "empty" };

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      groupSize,
      equipment: f.equipment,
      contact: f.contact ?? "site",
      receipt: f.receipt ?? "digits",
      ...(f.name !== undefined ? { name: f.name } : {}),
      ...(f.rank !== undefined ? { rank: f.rank } : {}),
      ...(f.unit !== undefined ? { unit: f.unit } : {}),
      ...(f.deployed !== undefined ? { deployed: f.deployed } : {}),
      ...(f.region !== undefined ? { region: f.region } : {}),
      ...(f.location !== undefined ? { location: f.location } : {}),
      ...(f.timing !== undefined ? { timing: f.timing } : {}),
      ...(f.equipment_note !== undefined ? { equipmentNote: f.equipment_note } : {}),
      ...(telegram ? { telegram } : {}),
      ...(whatsapp ? { whatsapp } : {}),
      ...(phone ? { phone } : {}),
      ...(f.message !== undefined ? { message: f.message } : {}),
    },
  };
}

/** One text field from a small form (a code, a reply), trimmed; undefined when blank. */
export function textValue(values: FormValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}
