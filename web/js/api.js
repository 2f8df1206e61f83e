// The one way the app talks to /api/v1: JSON in and out, problem+json errors as ApiError.

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `Request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
    this.fieldErrors = (problem && problem.errors) || {};
  }
}

// fetch itself failed: no network, DNS, or the server is unreachable.
export class OfflineError extends Error {
  constructor() {
    super("You are offline.");
  }
}

function versionOf(etag) {
  const match = etag && etag.match(/"(\d+)"/);
  return match ? Number(match[1]) : null;
}

export async function request(method, path, { body, ifMatch } = {}) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (ifMatch !== undefined && ifMatch !== null) headers["If-Match"] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch {
    throw new OfflineError();
  }
  let data = null;
  if (response.status !== 204) {
    const text = await response.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent("relieflog:unauthorized"));
    throw new ApiError(response.status, data);
  }
  return { status: response.status, data, version: versionOf(response.headers.get("ETag")) };
}

export const get = (path) => request("GET", path);
