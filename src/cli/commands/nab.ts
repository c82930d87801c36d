import path from 'node:path';
import {
  DEFAULT_NAB_DIR,
  loadCorpus,
  loadProfiles,
  loadPublished,
  readResultScores,
} from '../../anomaly/nab/corpus.ts';
import { DETECTOR_NAME, runNab } from '../../anomaly/nab/runner.ts';
import { type ProfileResult, scoreCorpus } from '../../anomaly/nab/score.ts';
import { type CommandIo, defineCommand, defineGroup } from '../command.ts';
import { formatRows, type OutputFormat } from '../format.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

const NAB_OPTION = {
  nab: { type: 'string', valueName: 'DIR', description: `the NAB corpus (default ${DEFAULT_NAB_DIR})` },
} as const;

/** The scores per profile, beside the published ones. */
function printScores(
  io: CommandIo,
  name: string,
  nabDir: string,
  results: ProfileResult[],
  format: OutputFormat,
) {
  const published = loadPublished(nabDir);
  const rows = results.map((r) => ({
    detector: name,
    profile: r.profile,
    score: Number(r.normalized.toFixed(2)),
    published:
      published[name]?.[r.profile] === undefined ? null : Number(published[name]![r.profile]!.toFixed(2)),
    numenta_htm: Number((published.numenta?.[r.profile] ?? Number.NaN).toFixed(2)),
    threshold: r.threshold,
    tp: r.counts.tp,
    fp: r.counts.fp,
  }));
  io.stdout.write(
    formatRows(
      ['detector', 'profile', 'score', 'published', 'numenta_htm', 'threshold', 'tp', 'fp'],
      rows,
      format,
    ),
  );
}

const run = defineCommand({
  name: 'run',
  summary: 'Stream every NAB series through the ONNX detector, write results in NAB’s format and score them.',
  options: {
    ...NAB_OPTION,
    results: {
      type: 'string',
      valueName: 'DIR',
      description: 'results folder (default data/generated/nab-results)',
    },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const nabDir = path.resolve(args.values.nab ?? DEFAULT_NAB_DIR);
    const resultsDir = path.resolve(args.values.results ?? path.join('data', 'generated', 'nab-results'));
    const { results } = await runNab({
      nabDir,
      resultsDir,
      onProgress: (done, total, file) => io.stderr.write(`\r${done}/${total} ${file}`.padEnd(70)),
    });
    io.stderr.write(`\nresults written to ${resultsDir}\n`);
    printScores(io, DETECTOR_NAME, nabDir, results, args.values.format);
    return 0;
  },
});

const score = defineCommand({
  name: 'score',
  summary: 'Score an existing results folder (e.g. windowedGaussian) with NAB’s method.',
  options: {
    ...NAB_OPTION,
    results: { type: 'string', valueName: 'DIR', description: 'results folder (default <nab>/results)' },
    ...FORMAT_OPTION,
  },
  arguments: [
    {
      name: 'DETECTOR',
      required: true,
      missing: 'nab score needs a detector name (a folder under the results dir)',
    },
  ],
  async run(args, io) {
    const detector = args.positionals[0]!;
    const nabDir = path.resolve(args.values.nab ?? DEFAULT_NAB_DIR);
    const resultsDir = path.resolve(args.values.results ?? path.join(nabDir, 'results'));
    const files = loadCorpus(nabDir);
    const scores = new Map(files.map((f) => [f.relativePath, readResultScores(resultsDir, detector, f)]));
    const { results } = scoreCorpus(files, scores, loadProfiles(nabDir));
    printScores(io, detector, nabDir, results, args.values.format);
    return 0;
  },
});

export const nabCommand = defineGroup({
  name: 'nab',
  summary: 'Numenta Anomaly Benchmark: run our detector, or score any detector’s NAB results files.',
  usage:
    'retailos nab run [--nab DIR] [--results DIR] [--format FMT]\n       retailos nab score DETECTOR [--nab DIR] [--results DIR] [--format FMT]',
  details: [
    'run: streams every NAB series through the ONNX detector, writes results/<retailos>/… in NAB’s format and',
    'scores them. score: scores an existing results folder (e.g. windowedGaussian) with NAB’s method: windows,',
    'probation, scaled sigmoid, the three profiles, threshold sweep and normalisation. docs/anomalies.md.',
  ].join('\n'),
  subcommands: [run, score],
});
