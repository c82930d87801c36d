import highsModule, { type Highs, type InitOptions } from 'highs';

type Loader = (options?: InitOptions) => Promise<Highs>;

// The package ships ESM (default export = the loader) and CJS typings (the loader under `.default`): take
// whichever this runtime resolved.
const loadHighs: Loader = (typeof highsModule === 'function' ? highsModule : highsModule.default) as Loader;

let loading: Promise<Highs> | undefined;

/** The HiGHS runtime (WebAssembly), loaded once per process on first use. */
export function solver(): Promise<Highs> {
  if (!loading) loading = loadHighs();
  return loading;
}

/**
 * Options for every solve. The feasibility-jump heuristic costs ~20 ms per call in this WebAssembly build
 * and buys nothing here (we pass a feasible start); symmetry detection likewise. A relative gap of 0.01%
 * counts as optimal.
 */
export const SOLVER_OPTIONS = {
  output_flag: false,
  mip_heuristic_run_feasibility_jump: false,
  mip_detect_symmetry: false,
  mip_rel_gap: 1e-4,
} as const;
