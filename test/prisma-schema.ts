import fs from "node:fs";
import path from "node:path";

/** A column as the Prisma schema declares it, in PostgreSQL's terms. */
export interface DeclaredColumn {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

const SCALARS: Record<string, string> = {
  Int: "int4",
  BigInt: "int8",
  String: "text",
  Boolean: "bool",
  Float: "float8",
  DateTime: "timestamp",
  Json: "jsonb",
  Bytes: "bytea",
};

const NATIVE: Record<string, string> = {
  SmallInt: "int2",
  Real: "float4",
  Uuid: "uuid",
  Date: "date",
  Timestamptz: "timestamptz",
};

/**
 * Reads the columns a schema.prisma declares: enough of the grammar for this project's schema
 * (scalar fields, @map, @@map, @db.*), so the drift test needs no Prisma engine.
 */
export function declaredColumns(schema: string): DeclaredColumn[] {
  const columns: DeclaredColumn[] = [];
  for (const block of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, model, body] = block;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model;
    for (const line of body.split("\n")) {
      const m = /^\s*(\w+)\s+(\w+)(\?|\[\])?(.*)$/.exec(line);
      if (!m || line.trim().startsWith("//") || line.trim().startsWith("@@")) continue;
      const [, field, type, modifier, attributes] = m;
      if (!(type in SCALARS)) continue;
      const native = /@db\.(\w+)/.exec(attributes)?.[1];
      const base = native ? (NATIVE[native] ?? native.toLowerCase()) : SCALARS[type];
      columns.push({
        table,
        column: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? field,
        // A scalar list is a PostgreSQL array, whose type name is the element's with a leading "_".
        type: modifier === "[]" ? `_${base}` : base,
        nullable: modifier === "?",
      });
    }
  }
  return columns;
}

export function readSchema(): string {
  return fs.readFileSync(path.resolve(import.meta.dirname, "../prisma/schema.prisma"), "utf8");
}
