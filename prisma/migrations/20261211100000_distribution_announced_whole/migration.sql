-- A rebuild writes a variant's row in two steps of one transaction (lib/distribution/store.ts):
-- its cells (most of its size) while the hulls are still being made, then the rest. The row is
-- announced once, whole: while it is being written its build_ms is -1.
DROP TRIGGER species_distributions_notify ON species_distributions;
CREATE TRIGGER species_distributions_notify AFTER INSERT OR UPDATE ON species_distributions
  FOR EACH ROW WHEN (NEW.build_ms >= 0) EXECUTE FUNCTION notify_distribution();
