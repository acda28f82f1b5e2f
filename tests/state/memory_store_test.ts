import { MemoryStore } from "../../src/state/mod.ts";
import { stateStoreConformance } from "./conformance.ts";

Deno.test("the memory store passes the state store conformance suite", async (t) => {
  await stateStoreConformance(t, () => Promise.resolve(new MemoryStore()));
});
