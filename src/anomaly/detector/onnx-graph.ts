import onnxProto from 'onnx-proto';
import type { DetectorParams } from './params.ts';
import { FEATURE_COUNT, FEATURES } from './state.ts';

const { onnx } = onnxProto;

export const DETECTOR_INPUT = 'features';
export const DETECTOR_OUTPUT = 'score';

// Numerical Recipes erfcc coefficients (log form): log erfc(x) = log t − x² + poly(t).
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/**
 * The scoring graph: features of a point (FEATURES order, float32 [N, 9]) → anomaly score [N, 1].
 * raw = min(1, |value − forecast| / (divisor·scale)); avg = (prev_raw_sum + raw)/window;
 * z = max(0, (avg − long_mean)/max(long_std, floor)); tail = ½·erfc(z/√2) in log space (no float32
 * cancellation); nl = −log(tail)/log(1e10); spatial = 1 − (1 − floor)·exp(−excess/(scale·range)) for a value
 * beyond the seen range; score = max(nl/(1+nl), spatial) once ready, else 0.5.
 * Mirrored by reference.ts (float64) for the round-trip test.
 */
export function buildDetectorGraph(p: DetectorParams): Uint8Array {
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  let counter = 0;
  const constant = (value: number): string => {
    const name = `c${counter++}`;
    initializers.push(
      onnx.TensorProto.create({
        name,
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [],
        floatData: [value],
      }),
    );
    return name;
  };
  const op = (opType: string, inputs: string[], attribute: object[] = []): string => {
    const name = `n${counter++}`;
    nodes.push(onnx.NodeProto.create({ name, opType, input: inputs, output: [name], attribute }));
    return name;
  };
  const columns = FEATURES.map((f) => `f_${f}`);
  nodes.push(
    onnx.NodeProto.create({
      name: 'split',
      opType: 'Split',
      input: [DETECTOR_INPUT],
      output: columns,
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    }),
  );
  const [value, forecast, scale, prevSum, longMean, longStd, lo, hi, ready] = columns as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const raw = op('Min', [
    op('Div', [op('Abs', [op('Sub', [value, forecast])]), op('Mul', [scale, constant(p.rawDivisor)])]),
    constant(1),
  ]);
  const avg = op('Div', [op('Add', [prevSum, raw]), constant(p.shortWindow)]);
  const std = op('Max', [longStd, constant(p.stdFloor)]);
  const z = op('Max', [op('Div', [op('Sub', [avg, longMean]), std]), constant(0)]);
  const x = op('Div', [z, constant(Math.SQRT2)]);
  const t = op('Reciprocal', [op('Add', [constant(1), op('Mul', [x, constant(0.5)])])]);
  let poly = constant(ERFC[ERFC.length - 1]!);
  for (let k = ERFC.length - 2; k >= 0; k--) poly = op('Add', [constant(ERFC[k]!), op('Mul', [t, poly])]);
  const logErfc = op('Add', [op('Sub', [op('Log', [t]), op('Mul', [x, x])]), poly]);
  const logTail = op('Add', [logErfc, constant(Math.log(0.5))]);
  const nl = op('Div', [op('Neg', [logTail]), constant(Math.log(1e10))]);
  const loglik = op('Div', [nl, op('Add', [nl, constant(1)])]);
  const width = op('Sub', [hi, lo]);
  const margin = op('Mul', [width, constant(p.spatialMargin)]);
  const excess = op('Max', [
    op('Max', [op('Sub', [op('Sub', [value, hi]), margin]), op('Sub', [op('Sub', [lo, margin]), value])]),
    constant(0),
  ]);
  const outside = op(
    'Cast',
    [op('Greater', [excess, constant(0)])],
    [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }],
  );
  const range = op('Max', [width, constant(1e-9)]);
  const decay = op('Exp', [op('Neg', [op('Div', [excess, op('Mul', [range, constant(p.spatialScale)])])])]);
  const spatial = op('Mul', [
    outside,
    op('Sub', [constant(1), op('Mul', [decay, constant(1 - p.spatialFloor)])]),
  ]);
  const scored = op('Max', [loglik, spatial]);
  const warm = op('Mul', [op('Sub', [constant(1), ready]), constant(0.5)]);
  nodes.push(
    onnx.NodeProto.create({
      name: 'out',
      opType: 'Add',
      input: [op('Mul', [ready, scored]), warm],
      output: [DETECTOR_OUTPUT],
    }),
  );
  const tensor = (name: string, width: number) => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] },
      },
    },
  });
  const graph = onnx.GraphProto.create({
    name: 'retailos_anomaly',
    node: nodes,
    initializer: initializers,
    input: [tensor(DETECTOR_INPUT, FEATURE_COUNT)],
    output: [tensor(DETECTOR_OUTPUT, 1)],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'retailos',
    producerVersion: '0.1.0',
    domain: 'retailos.anomaly',
    modelVersion: 1,
    docString: 'forecast-residual likelihood anomaly score with a spatial (new range) check',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
    metadataProps: Object.entries({ features: FEATURES.join(','), params: JSON.stringify(p) }).map(
      ([key, v]) => ({
        key,
        value: v,
      }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}
