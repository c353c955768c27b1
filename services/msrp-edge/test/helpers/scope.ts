// Collects what a test started so afterEach can tear it down, also when the test failed.
export class Scope {
  #cleanups: (() => unknown)[] = [];

  add<T>(value: T, cleanup: (value: T) => unknown): T {
    this.#cleanups.push(() => cleanup(value));
    return value;
  }

  async close(): Promise<void> {
    const cleanups = this.#cleanups.reverse();
    this.#cleanups = [];
    for (const c of cleanups) {
      try {
        await c();
      } catch {
        // keep tearing down the rest
      }
    }
  }
}
