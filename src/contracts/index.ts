export * from './events.ts';
export * from './fields.ts';
export * from './primitives.ts';
export * from './validate.ts';
export * from './workflow-events.ts';
