/**
 * A vitest reporter for scripts/test-runtimes.mjs: how long each test file of a run took, hooks included (a runtime's
 * setup, such as starting workerd, happens in beforeAll, which the JSON report leaves out), written as JSON to the
 * file KSERVE_DURATIONS names: `{ "<file relative to the root>": seconds }`.
 */
import { writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class DurationsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const file = process.env["KSERVE_DURATIONS"];
    if (file === undefined || file === "") return;
    const seconds = Object.fromEntries(
      testModules.map((module) => {
        const { collectDuration, prepareDuration, duration } = module.diagnostic();
        return [module.relativeModuleId, (collectDuration + prepareDuration + duration) / 1000];
      }),
    );
    writeFileSync(file, `${JSON.stringify(seconds, null, 2)}\n`);
  }
}
