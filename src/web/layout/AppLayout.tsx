import { AppShell, Box, Burger, Button, Group, Menu, NavLink, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useMatch, useNavigate } from "react-router";
import { LiveProvider } from "../api/live";
import { ShortcutsProvider, useConsoleHotkeys } from "../components/Shortcuts";
import { Brand } from "../components/Brand";
import { LanguagePicker } from "../components/LanguagePicker";
import { useCan } from "../auth/permissions";
import { useSession, useSignedIn } from "../auth/session";
import { NAV_ITEMS, type NavItem } from "./nav";

/** The signed-in frame: header with account and language, a menu of sections, the page. */
export function AppLayout() {
  const can = useCan();
  const { refresh } = useSession();
  return (
    <LiveProvider enabled={can("case.list")} onSessionEnded={() => void refresh()}>
      <ShortcutsProvider>
        <Frame />
      </ShortcutsProvider>
    </LiveProvider>
  );
}

function Frame() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [opened, { toggle, close }] = useDisclosure(false);
  const items = NAV_ITEMS.filter((i) => !i.requires || can(i.requires));
  const cases = can("case.list");
  useConsoleHotkeys([
    ["i", () => cases && void navigate("/cases")],
    ["slash", () => cases && void navigate("/search")],
  ]);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.toggle")} />
            <Brand />
          </Group>
          <Group gap="xs" wrap="nowrap" miw={0}>
            <Box style={{ flexShrink: 0 }}>
              <LanguagePicker />
            </Box>
            <AccountMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t("nav.main")}>
        {items.map((item) => (
          <NavItemLink key={item.to} item={item} onNavigate={close} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function NavItemLink({ item, onNavigate }: { item: NavItem; onNavigate: () => void }) {
  const { t } = useTranslation();
  const active = useMatch({ path: item.to, end: item.end ?? false }) !== null;
  return (
    <NavLink
      component={Link}
      to={item.to}
      label={t(`nav.${item.label}`)}
      active={active}
      aria-current={active ? "page" : undefined}
      onClick={onNavigate}
    />
  );
}

function AccountMenu() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { signOut } = useSession();
  // Signed out, the session guard around this layout sends the person to the login page.
  const leave = (everywhere: boolean) => signOut(everywhere).catch(() => {});
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        {/* On a phone a long name is cut short with an ellipsis rather than pushed off the screen. */}
        <Button variant="default" size="compact-md" maw={{ base: 104, xs: 280 }} styles={{ label: { overflow: "hidden", textOverflow: "ellipsis", display: "block" } }} data-testid="account-menu">
          {user.displayName}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t("nav.account")}</Menu.Label>
        <Menu.Item disabled>
          <Text size="sm">{user.username}</Text>
          <Text size="xs" c="dimmed">
            {t(`roles.${user.role}`)}
          </Text>
        </Menu.Item>
        <Menu.Item component={Link} to="/account" data-testid="account-page-link">
          {t("nav.ownAccount")}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item onClick={() => void leave(false)}>{t("nav.logout")}</Menu.Item>
        <Menu.Item color="red" onClick={() => void leave(true)}>
          {t("nav.logoutAll")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
