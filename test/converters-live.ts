// Moved: the converter tests' live Pillow comparison and samples.csv reader are in
// test/support/converter-conformance.ts, with the conformance harness. This re-export keeps the tests that
// still import them from here (split-manifest, split-grouped) working; import from the harness instead.
export { compareWithPillow, readSamplesCsv, type PillowResult, type SamplesRow } from './support/converter-conformance.js';
