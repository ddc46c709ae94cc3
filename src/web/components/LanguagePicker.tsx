import { Button, Menu } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { LANGUAGES, currentLanguage, setLanguage } from "../i18n";

export function LanguagePicker() {
  const { t } = useTranslation();
  const lng = currentLanguage();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="subtle" size="compact-sm" aria-label={t("nav.language")} data-testid="language-picker">
          {t(`languages.${lng}`)}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t("nav.language")}</Menu.Label>
        {LANGUAGES.map((l) => (
          <Menu.Item key={l} lang={l} onClick={() => void setLanguage(l)} disabled={l === lng}>
            {t(`languages.${l}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
