/** The CLI's output formats: the one implementation is src/format/rows.ts (the API and pages use it too). */
export * from '../format/rows.ts';
