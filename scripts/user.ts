/**
 * `npm run user -- create --email E --password P --role researcher|expert|admin [--name N]`
 *   creates the user, or updates the one with that email (password, role, name; re-enabled).
 * `npm run user -- apikey --email E [--name N]`
 *   prints a new API key for that user on stdout (only its SHA-256 is stored; it is shown once).
 *
 * Works on DATABASE_URL, or beside a running `npm start` (attaches to its embedded PostgreSQL).
 * Exit codes: 0 done · 1 failed (e.g. no such user) · 2 bad arguments.
 */
import { z } from "zod";
import { badUsage, commandLine } from "./command-line";

const USAGE = `usage:
  npm run user -- create --email E --password P --role researcher|expert|admin [--name "Full Name"]
  npm run user -- apikey --email E [--name "what the key is for"]`;

const { values, command, operands: extra } = commandLine(USAGE, ["create", "apikey"], {
  email: { type: "string" },
  password: { type: "string" },
  role: { type: "string" },
  name: { type: "string" },
});
if (extra.length) badUsage(USAGE, `unexpected argument "${extra[0]}"`);

// Set before lib/log loads (dynamic imports below): a command's output is its answer, not logs.
process.env.LOG_LEVEL ??= "warn";
// Arguments are checked before the database is opened, so a typo fails at once.
const { emailSchema, userInputSchema } = await import("@/lib/auth/users");
function invalid(error: z.ZodError): never {
  badUsage(USAGE, error.issues.map((i) => `--${i.path.join(".") || "email"}: ${i.message}`).join("\n"));
}

let input: z.output<typeof userInputSchema> | undefined;
let email: string;
if (command === "create") {
  for (const flag of ["email", "password", "role"] as const) if (values[flag] === undefined) badUsage(USAGE, `create needs --${flag}`);
  const result = userInputSchema.safeParse({ email: values.email, password: values.password, role: values.role, name: values.name });
  if (!result.success) invalid(result.error);
  input = result.data;
  email = input.email;
} else {
  if (values.email === undefined) badUsage(USAGE, "apikey needs --email");
  if (values.password !== undefined || values.role !== undefined) badUsage(USAGE, "apikey takes only --email and --name");
  const result = emailSchema.safeParse(values.email);
  if (!result.success) invalid(result.error);
  email = result.data;
}

const { loadConfig, openDatabase } = await import("./runtime");
const { closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { createOrUpdateUser, findUserByEmail } = await import("@/lib/auth/users");
const { createApiKey } = await import("@/lib/auth/api-keys");

const db = await openDatabase(loadConfig(), { attach: true });
process.env.DATABASE_URL = db.url;
let code = 0;
try {
  if (input) {
    const { user, created } = await createOrUpdateUser(input);
    console.log(`${created ? "Created" : "Updated"} ${user.role} ${user.email} (${user.name}, id ${user.id}).`);
  } else {
    const user = await findUserByEmail(email);
    if (!user) {
      console.error(`There is no user ${email}. Create one first: npm run user -- create --email ${email} --password … --role expert`);
      code = 1;
    } else {
      const key = await createApiKey(user.id, values.name ?? "cli");
      console.error(`A new API key for ${user.email} ("${key.name}", ${key.prefix}…). It is shown once: keep it safe.`);
      if (user.role === "researcher") console.error("Note: this user is a researcher; the key can vet only once the user is an expert or admin.");
      if (user.disabled) console.error("Note: this user is disabled; the key works only once the user is enabled again.");
      console.log(key.key);
    }
  }
} catch (err) {
  console.error(`npm run user failed: ${(err as Error).message}`);
  code = 1;
} finally {
  await disconnectPrisma();
  await closePool();
  await db.embedded?.stop();
}
process.exit(code);
