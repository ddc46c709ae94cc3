import { Box, Container, Group, Paper, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { Brand } from "../components/Brand";
import { LanguagePicker } from "../components/LanguagePicker";
import { usePageTitle } from "../components/usePageTitle";

/** The frame of the pages before sign-in: setup, enrolment, login. */
export function PublicLayout({ title, children }: { title: string; children: ReactNode }) {
  usePageTitle(title);
  return (
    <Box mih="100vh" bg="gray.0" py="xl">
      <Container size={520}>
        <Group justify="space-between" mb="lg">
          <Brand />
          <LanguagePicker />
        </Group>
        <Paper withBorder shadow="sm" radius="md" p="xl" component="main">
          <Title order={1} size="h2" mb="md">
            {title}
          </Title>
          {children}
        </Paper>
      </Container>
    </Box>
  );
}
