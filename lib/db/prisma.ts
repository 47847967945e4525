import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

let shared: PrismaClient | undefined;

/** The process's Prisma client (Rust-free, over node-postgres), for typed CRUD. */
export function prisma(): PrismaClient {
  if (!shared) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start Edgar with `npm start`, which provides the database");
    shared = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 5 }) });
  }
  return shared;
}

export async function disconnectPrisma(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.$disconnect();
}
