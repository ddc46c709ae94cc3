import ru from "./i18n/ru.json" with { type: "json" };

/**
 * What the bot says, and how channel content is written into the thread: Russian, from the
 * catalog i18n/ru.json (the applicants write Russian; no text lives in code).
 */
export const texts = ru;

/** Replace {{name}} placeholders; a missing value leaves the placeholder visible rather than "undefined". */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export type MediaKind = keyof typeof ru.formats.kinds;

/** The thread line for a file the applicant sent: "[фото] caption" (the file itself becomes an attachment). */
export function mediaLine(kind: MediaKind, caption: string | undefined): string {
  const k = ru.formats.kinds[kind];
  return caption ? fill(ru.formats.mediaCaption, { kind: k, caption }) : fill(ru.formats.media, { kind: k });
}

export function locationLine(lat: number, lon: number, accuracy?: number): string {
  return accuracy !== undefined ? fill(ru.formats.locationAccuracy, { lat, lon, accuracy: Math.round(accuracy) }) : fill(ru.formats.location, { lat, lon });
}
