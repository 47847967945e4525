import { defineConfig } from "prisma/config";

// Migrations are applied by lib/db/migrate.ts (Prisma Migrate cannot run offline here);
// this file only tells the CLI where the schema is.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
