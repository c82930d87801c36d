export { type JobsContext, persistentHooks, standardJobs } from './registry.ts';
export { runContext } from './run-context.ts';
export type { Job, JobContext, JobRun, JobStatus, Scheduler, SchedulerDeps } from './scheduler.ts';
export { createScheduler } from './scheduler.ts';
