/**
 * Load: 50 vettings submitted at once by ten experts over overlapping areas, while a worker works
 * the re-classification queue: every vetting is stored, and once the queue is empty every record's
 * classification and contentious flag are what the rule (classify.ts) says, checked against a
 * from-scratch evaluation with turf's point-in-polygon, and the species' counts agree.
 */
import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import type { Polygon } from "geojson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "@/lib/auth/roles";
import { useTestSecret } from "@/lib/auth/test-support";
import { createOrUpdateUser } from "@/lib/auth/users";
import { classificationCode as code } from "@/lib/domain/codes";
import { squarePolygon } from "@/lib/geometry/validate-fixtures";
import { handleApplyVettings } from "@/lib/jobs/handlers";
import { queue, QUEUES, stopQueue, type ApplyVettingsJob } from "@/lib/jobs/queue";
import { Rng } from "@/lib/simulator/prng";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertRecords, insertSpecies, speciesStats } from "./test-fixtures";
import { createVetting, type VettingDetail } from "./vettings";

useTestSecret();
const SUBMISSIONS = 50;

let db: TestDatabase;
let experts: AuthUser[];
beforeAll(async () => {
  db = await createTestDatabase();
  experts = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const { user } = await createOrUpdateUser({ email: `expert${i}@example.org`, password: "long enough password", role: "expert", name: `Expert ${i}` });
      return { ...user, via: "session" as const };
    }),
  );
});
afterAll(async () => {
  await stopQueue();
  await db.drop();
});

/** The worker: takes queued re-classification jobs and runs them, several at once, until told to stop and the queue is empty. */
async function worker(stop: () => boolean): Promise<number> {
  const boss = await queue();
  let handled = 0;
  for (;;) {
    const jobs = await boss.fetch<ApplyVettingsJob>(QUEUES.applyVettings, { batchSize: 5 });
    if (jobs.length === 0) {
      if (stop()) return handled;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    await Promise.all(jobs.map((job) => handleApplyVettings(job.data).then(() => boss.complete(QUEUES.applyVettings, job.id))));
    handled += jobs.length;
  }
}

describe(`${SUBMISSIONS} concurrent vetting submissions`, () => {
  it("are all stored, and after the queue has run every classification follows the rule", async () => {
    const species = await insertSpecies(db.pool, "Calyptorhynchus lathami");
    // A 40 × 40 grid of records at odd multiples of 0.05°, so none lies on a vetting's edge (whole and half degrees).
    const grid = Array.from({ length: 1600 }, (_, i) => ({
      lon: 140.05 + (i % 40) * 0.25,
      lat: -29.95 + Math.floor(i / 40) * 0.25,
      rating: i % 3 === 0 ? code.assumed_invalid : code.assumed_valid,
    }));
    await insertRecords(db.pool, species, [...grid, { lon: null, lat: null, rating: code.assumed_valid }]);
    const rng = new Rng(10);
    const submissions = Array.from({ length: SUBMISSIONS }, (_, i) => {
      const x = 140 + rng.int(16) / 2;
      const y = -30 + rng.int(16) / 2;
      const size = 0.5 + rng.int(4) / 2;
      return {
        author: experts[i % experts.length],
        vetting: {
          speciesId: species,
          classification: rng.chance(0.5) ? ("known_valid" as const) : ("known_invalid" as const),
          area: squarePolygon(x, y, x + size, y + size),
          comment: `submission ${i}`,
        },
      };
    });

    let submitted = false;
    const working = worker(() => submitted);
    // Spread over a few hundred milliseconds, so submissions also arrive while a re-classification runs.
    const stored: VettingDetail[] = await Promise.all(
      submissions.map(async (s) => {
        await new Promise((r) => setTimeout(r, rng.int(400)));
        return createVetting(s.author, s.vetting);
      }),
    );
    submitted = true;
    const jobs = await working;

    // All stored, each as submitted.
    const { rows: vettings } = await db.pool.query<{ id: number; author_id: string; classification: number; area: Polygon; updated_at: Date; comment: string }>(
      "SELECT id, author_id, classification, area, updated_at, comment FROM vettings WHERE species_id = $1 AND deleted_at IS NULL",
      [species],
    );
    expect(new Set(stored.map((v) => v.id)).size).toBe(SUBMISSIONS);
    expect(vettings.map((v) => [v.comment, v.author_id, v.classification]).sort()).toEqual(
      submissions.map((s) => [s.vetting.comment, s.author.id, code[s.vetting.classification]]).sort(),
    );

    // From scratch: the latest covering vetting (updatedAt, then id) decides; contentious when two authors disagree.
    const latestFirst = [...vettings].sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime() || b.id - a.id);
    const { rows: records } = await db.pool.query<{ id: number; lon: number | null; lat: number | null; rating: number; classification: number; contentious: boolean }>(
      "SELECT id, lon, lat, rating, classification, contentious FROM classified_occurrences WHERE species_id = $1 ORDER BY id",
      [species],
    );
    const wrong = records.flatMap((r) => {
      const covering = r.lon === null || r.lat === null ? [] : latestFirst.filter((v) => booleanPointInPolygon([r.lon!, r.lat!], v.area));
      const expected = {
        classification: covering[0]?.classification ?? r.rating,
        contentious: covering.some((a) => covering.some((b) => a.classification !== b.classification && a.author_id !== b.author_id)),
      };
      return expected.classification === r.classification && expected.contentious === r.contentious ? [] : [{ id: r.id, expected, stored: r }];
    });
    expect(wrong.slice(0, 5)).toEqual([]);

    const vetted = records.filter((r) => r.classification === code.known_valid || r.classification === code.known_invalid).length;
    const contentious = records.filter((r) => r.contentious).length;
    // The areas overlap enough for the test to mean something.
    expect(vetted).toBeGreaterThan(records.length / 4);
    expect(contentious).toBeGreaterThan(0);
    const stats = await speciesStats(db.pool, species);
    expect(stats).toMatchObject({
      occurrence_count: records.length,
      known_valid_count: records.filter((r) => r.classification === code.known_valid).length,
      known_invalid_count: records.filter((r) => r.classification === code.known_invalid).length,
      contentious_count: contentious,
    });
    console.log(
      `reliability: ${SUBMISSIONS} concurrent vettings stored, ${jobs} re-classification jobs run, ${records.length} records checked (${vetted} vetted, ${contentious} contentious), 0 inconsistent`,
    );
  });
});
