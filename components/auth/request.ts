/** A JSON request from the browser; an error answer becomes a RequestError carrying the server's sentence. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function requestJson<T>(method: string, url: string, body?: unknown): Promise<T> {
  return send<T>(url, {
    method,
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
}

/** POSTs a file's bytes as the body (settings in the query string); the answer is JSON. */
export function uploadFile<T>(url: string, file: Blob): Promise<T> {
  return send<T>(url, { method: "POST", headers: { accept: "application/json", "content-type": "application/octet-stream" }, body: file, cache: "no-store" });
}

async function send<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new RequestError(0, "Edgar could not be reached. Check the connection and try again.");
  }
  if (!response.ok) {
    const answer = await response.json().catch(() => null);
    throw new RequestError(response.status, answer?.message ?? `The server answered ${response.status}.`);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}
