/**
 * After a species' records that count changed (its range products were rebuilt), its model is
 * checked: the job refits when enough changed. With MODEL_FIT_ALL=false (the demo) only species
 * that already have a model row (someone looked, or asked) are checked.
 */
import { config } from "@/lib/config";
import { pool } from "@/lib/db/pool";
import { enqueueFitModel } from "@/lib/jobs/queue";
import { log } from "@/lib/log";

export async function checkModelAfterChange(speciesId: number): Promise<void> {
  try {
    if (!config().MODEL_FIT_ALL) {
      const { rowCount } = await pool().query("SELECT 1 FROM species_models WHERE species_id = $1", [speciesId]);
      if (!rowCount) return;
    }
    await enqueueFitModel({ speciesId });
  } catch (err) {
    log.warn({ err, speciesId }, "could not queue the model check; the next change queues it again");
  }
}
