/**
 * Rows per transaction. Measured (docs/performance.md): about 0.5 ms per chunk of spans, so the
 * writer can interleave with audio callbacks while still amortising the commit.
 */
export const WRITE_CHUNK_ROWS = 128;
