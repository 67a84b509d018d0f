/** Where the browser tests find Chromium: KSERVE_CHROMIUM, or Debian's package. */
export function chromiumPath(): string {
  return process.env["KSERVE_CHROMIUM"] ?? "/usr/bin/chromium";
}

/**
 * Flags for headless Chromium on a machine with a closed network: no background connections (update checks,
 * sync, component downloads) that would be refused and slow every start.
 */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
