"use client";

import { useQueryClient } from "@tanstack/react-query";
import { canVet, useCurrentUser } from "@/components/auth/use-current-user";
import { requestJson } from "@/components/auth/request";
import { formatCount, formatDateTime } from "@/components/species/format";
import { useAction } from "@/components/use-action";
import { modelDownloadUrl, modelQueryKey, modelUrl, useModel, type ModelView } from "./api";
import { statusText } from "./model-control";

const heading = "text-xs font-semibold uppercase tracking-wide text-slate-500";
const fixed = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? "—" : v.toFixed(digits));

/** The species' suitability model: status, evaluation, downloads, and an expert's "request a new model". */
export function ModelPanel({ speciesId }: { speciesId: number }) {
  const model = useModel(speciesId);
  const m = model.data;
  return (
    <section aria-labelledby="model" data-testid="model-panel" data-status={m?.status ?? ""} data-version={m?.version ?? ""}>
      <h3 id="model" className={`${heading} mb-1`}>
        Suitability model
      </h3>
      {model.isError ? (
        <p className="text-sm text-red-700">The model could not be loaded: {model.error.message}</p>
      ) : !m ? (
        <p className="text-sm text-slate-500">…</p>
      ) : (
        <Body m={m} />
      )}
    </section>
  );
}

function Body({ m }: { m: ModelView }) {
  const e = m.evaluation;
  return (
    <div className="space-y-2 text-sm">
      <p role="status" data-testid="model-status">
        {m.status === "ready" ? (
          <>
            Fitted {m.fittedAt ? formatDateTime(m.fittedAt) : ""} (version {m.version}) from {formatCount(m.recordsUsed ?? 0)} records,{" "}
            {formatCount(m.presenceCells ?? 0)} occupied cells.
          </>
        ) : (
          <>
            {statusText(m.status)}
            {m.failure && <span className="block text-xs text-slate-600">{m.failure}</span>}
            {m.version > 0 && <span className="block text-xs text-slate-600">The map shows version {m.version} meanwhile.</span>}
          </>
        )}
      </p>
      {e && (
        <dl className="grid grid-cols-2 gap-x-3 text-xs" data-testid="model-evaluation">
          <dt className="text-slate-600">Training AUC</dt>
          <dd className="tabular-nums">{fixed(e.trainingAuc)}</dd>
          <dt className="text-slate-600">Test AUC (spatial blocks, {e.folds.length} folds)</dt>
          <dd className="tabular-nums">{fixed(e.testAuc)}</dd>
          <dt className="text-slate-600">Threshold (max sens. + spec.)</dt>
          <dd className="tabular-nums">{fixed(e.threshold, 3)}</dd>
          <dt className="col-span-2 mt-1 text-slate-600">Variable contributions</dt>
          {e.contributions.map((c) => (
            <div key={c.variable} className="contents">
              <dt>{c.variable}</dt>
              <dd className="tabular-nums">{c.percent.toFixed(1)} %</dd>
            </div>
          ))}
        </dl>
      )}
      {m.version > 0 && (
        <ul className="text-xs" aria-label="Model downloads">
          <li>
            <a className="text-sky-800 underline" href={`${modelUrl(m.speciesId)}?download=1`}>
              Model (JSON: features, coefficients, settings, evaluation)
            </a>
          </li>
          {m.scenarios.map((s) => (
            <li key={s.id}>
              <a className="text-sky-800 underline" href={modelDownloadUrl(m.speciesId, s.id)}>
                {s.name} (GeoTIFF, cloglog)
              </a>
            </li>
          ))}
        </ul>
      )}
      <RequestButton m={m} />
    </div>
  );
}

function RequestButton({ m }: { m: ModelView }) {
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const { busy, error, run } = useAction();
  if (!canVet(user.data) || m.status === "no_layers") return null;
  const waiting = m.status === "queued" || m.status === "fitting";
  return (
    <div>
      <button
        type="button"
        className="rounded-md border border-slate-300 px-2 py-1 text-sm font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-700 disabled:opacity-50"
        disabled={busy || (waiting && m.requestedAt !== null)}
        onClick={() =>
          void run(async () => {
            const answer = await requestJson<ModelView>("POST", modelUrl(m.speciesId));
            queryClient.setQueryData(modelQueryKey(m.speciesId), answer);
          })
        }
      >
        Request a new model
      </button>
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
