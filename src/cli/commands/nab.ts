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
import { UserError } from '../../warehouse/errors.ts';
import type { Command } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat } from './positions.ts';

export const nabCommand: Command = {
  name: 'nab',
  summary: 'Numenta Anomaly Benchmark: run our detector, or score any detector’s NAB results files.',
  usage:
    'retailos nab run [--nab DIR] [--results DIR] [--format FMT]\n       retailos nab score DETECTOR [--nab DIR] [--results DIR] [--format FMT]',
  details: [
    'run: streams every NAB series through the ONNX detector, writes results/<retailos>/… in NAB’s format and',
    'scores them. score: scores an existing results folder (e.g. windowedGaussian) with NAB’s method: windows,',
    'probation, scaled sigmoid, the three profiles, threshold sweep and normalisation. docs/anomalies.md.',
  ].join('\n'),
  options: {
    nab: { type: 'string', valueName: 'DIR', description: `the NAB corpus (default ${DEFAULT_NAB_DIR})` },
    results: {
      type: 'string',
      valueName: 'DIR',
      description: 'results folder (run: data/generated/nab-results; score: <nab>/results)',
    },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
  },
  async run(args, io) {
    const [sub, detector] = args.positionals;
    const nabDir = path.resolve((args.values.nab as string | undefined) ?? DEFAULT_NAB_DIR);
    const published = loadPublished(nabDir);
    let name: string;
    let results: ProfileResult[];
    if (sub === 'run') {
      name = DETECTOR_NAME;
      const resultsDir = path.resolve(
        (args.values.results as string | undefined) ?? path.join('data', 'generated', 'nab-results'),
      );
      ({ results } = await runNab({
        nabDir,
        resultsDir,
        onProgress: (done, total, file) => io.stderr.write(`\r${done}/${total} ${file}`.padEnd(70)),
      }));
      io.stderr.write(`\nresults written to ${resultsDir}\n`);
    } else if (sub === 'score') {
      if (!detector)
        throw new UserError('nab score needs a detector name (a folder under the results dir)', 'invalid');
      name = detector;
      const resultsDir = path.resolve(
        (args.values.results as string | undefined) ?? path.join(nabDir, 'results'),
      );
      const files = loadCorpus(nabDir);
      const scores = new Map(files.map((f) => [f.relativePath, readResultScores(resultsDir, detector, f)]));
      ({ results } = scoreCorpus(files, scores, loadProfiles(nabDir)));
    } else {
      throw new UserError(`Usage: ${nabCommand.usage}`, 'invalid');
    }
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
        outputFormat(args),
      ),
    );
    return 0;
  },
};
