import { MemoryStore } from "../../src/runtime/state/memory_store.ts";
import { stateStoreConformance } from "./conformance.ts";

Deno.test("the memory store passes the state store conformance suite", async (t) => {
  await stateStoreConformance(t, () => Promise.resolve(new MemoryStore()));
});
