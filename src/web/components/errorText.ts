import type { TFunction } from "i18next";
import { ApiError } from "../api/client";
import type { Catalog } from "../i18n";

type ErrorKey = Exclude<keyof Catalog["errors"], "title" | "rate_limited_wait">;

/**
 * The words for an error the API returned. Pages pass `overrides` where they can say more
 * than the generic text (a wrong login, a used link).
 */
export function errorText(t: TFunction, err: unknown, overrides: Partial<Record<ErrorKey, string>> = {}): string {
  if (!(err instanceof ApiError)) return t("errors.internal");
  const override = overrides[err.code as ErrorKey];
  if (override) return override;
  if (err.code === "rate_limited") {
    const seconds = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return typeof seconds === "number" ? t("errors.rate_limited_wait", { seconds }) : t("errors.rate_limited");
  }
  return t(`errors.${err.code as ErrorKey}`);
}

/** The fields a `validation_failed` answer names, e.g. ["username"]. */
export function invalidFields(err: unknown): string[] {
  if (!(err instanceof ApiError) || err.code !== "validation_failed" || !Array.isArray(err.details)) return [];
  return (err.details as { path?: unknown }[]).map((d) => String(d.path ?? "").replace(/^\//, "").split(/[./]/)[0] ?? "").filter(Boolean);
}
