export * from './business-time.ts';
export * from './events.ts';
export * from './fields.ts';
export * from './primitives.ts';
export * from './unicode.ts';
export * from './validate.ts';
export * from './workflow-events.ts';
