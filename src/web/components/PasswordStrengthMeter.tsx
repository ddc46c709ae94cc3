import { Progress, Stack, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { PasswordStrength } from "../../shared/password-strength";
import { translateKnown } from "../i18n";

const COLOURS = ["red", "red", "orange", "teal", "green"] as const;

/**
 * How guessable the new password is, while it is typed: the same zxcvbn-ts check the server
 * applies (it refuses below "good"). The dictionaries are large, so they load on first use only.
 */
export function PasswordStrengthMeter({ value, personal }: { value: string; personal: string[] }) {
  const { t } = useTranslation();
  const [strength, setStrength] = useState<PasswordStrength | null>(null);
  const inputs = personal.join("\n");
  useEffect(() => {
    let live = true;
    if (!value) {
      setStrength(null);
      return;
    }
    void import("../../shared/password-strength").then((m) => {
      if (live) setStrength(m.passwordStrength(value, inputs.split("\n")));
    });
    return () => {
      live = false;
    };
  }, [value, inputs]);
  if (!strength) return null;
  const level = t(`form.strength.score${strength.score as 0 | 1 | 2 | 3 | 4}`);
  return (
    <Stack gap={2} data-testid="password-strength" data-score={strength.score}>
      <Progress value={(strength.score + 1) * 20} color={COLOURS[strength.score]} size="sm" aria-label={`${t("form.strength.label")}: ${level}`} />
      <Text size="xs">
        {t("form.strength.label")}: {level}
      </Text>
      {strength.warning && (
        <Text size="xs" c="red.8">
          {translateKnown(t, `form.strengthWarning.${strength.warning}`, t("form.passwordWeak"))}
        </Text>
      )}
    </Stack>
  );
}

/** True when the server refused the password in `field` as too easy to guess. */
export function isWeakPasswordError(err: unknown, field: string): boolean {
  const details = (err as { code?: string; details?: unknown } | null)?.details;
  return Array.isArray(details) && details.some((d: { path?: string; message?: string }) => d.path === `/${field}` && d.message === "weak_password");
}
