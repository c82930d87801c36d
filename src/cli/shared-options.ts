/** Options several commands declare the same way. */
import type { OptionSpecs } from './command.ts';
import { OUTPUT_FORMATS } from './format.ts';

/** `--format table|json|csv`: tables for people, JSON and CSV for programs. */
export const FORMAT_OPTION = {
  format: {
    type: 'enum',
    choices: OUTPUT_FORMATS,
    default: 'table',
    valueName: 'FMT',
    description: 'table (default), json or csv',
  },
} as const satisfies OptionSpecs;

/** Who acts, in which role, and when: the operations context of a workflow action (context.ts). */
export const ACTOR_OPTIONS = {
  actor: { type: 'string', valueName: 'NAME', description: 'who acts (default: $USER)' },
  role: {
    type: 'string',
    valueName: 'ROLE',
    description: 'the role acted in: planner, warehouse, finance, admin… (default: admin)',
  },
  at: {
    type: 'time',
    valueName: 'TIME',
    description: 'business time of the action (default: the business clock; never after it)',
  },
} as const satisfies OptionSpecs;
