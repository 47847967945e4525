import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { declaredColumns, readSchema, type DeclaredColumn } from "./prisma-schema";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function migratedColumns(): Promise<DeclaredColumn[]> {
  const { rows } = await db.pool.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
    `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
       AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')`,
  );
  return rows.map((r) => ({ table: r.table_name, column: r.column_name, type: r.udt_name, nullable: r.is_nullable === "YES" }));
}

const key = (c: DeclaredColumn) => `${c.table}.${c.column}`;
const sorted = (cs: DeclaredColumn[]) => [...cs].sort((a, b) => key(a).localeCompare(key(b)));

describe("migrations and schema.prisma", () => {
  it("declare the same tables, columns, types and nullability", async () => {
    expect(sorted(await migratedColumns())).toEqual(sorted(declaredColumns(readSchema())));
  });

  it("the comparison notices a column that only one side has", async () => {
    const drifted = readSchema().replace("  comment         String?\n", "  comment         String\n");
    expect(sorted(await migratedColumns())).not.toEqual(sorted(declaredColumns(drifted)));
  });
});
