/** The HTTP status the engine answered a request with (dockerode's error.statusCode), if it answered. */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === "number" ? code : undefined;
}
