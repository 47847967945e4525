/** The distribution endpoints' query and path parameters, with the API's 400/404 for bad ones. */
import { HttpError } from "@/lib/http/respond";
import type { DistributionProduct } from "./downloads";

/** `contentious=include` puts contentious records in; `exclude` (or nothing) leaves them out. */
export function includeContentiousParam(search: URLSearchParams): boolean {
  const value = search.get("contentious");
  if (value === null || value === "exclude") return false;
  if (value === "include") return true;
  throw new HttpError(400, "invalid_request", `contentious: must be "include" or "exclude", got "${value.slice(0, 40)}".`);
}

export function distributionProduct(value: string): DistributionProduct {
  if (value === "range" || value === "cells") return value;
  throw new HttpError(404, "not_found", `There is no distribution product "${value.slice(0, 40)}"; there are range and cells.`);
}
