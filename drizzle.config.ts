import { defineConfig } from "drizzle-kit";

/** Core tables live in db/schema.ts; a capability that owns tables keeps them in its own tables.ts. */
export default defineConfig({
  dialect: "postgresql",
  schema: ["./src/server/db/schema.ts", "./src/server/*/tables.ts", "./src/server/channels/*/tables.ts"],
  out: "./src/server/db/migrations",
});
