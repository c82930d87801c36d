import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

// Numerical Recipes erfcc coefficients (log form): log erfc(x) = log t − x² + poly(t), t = 1/(1 + x/2).
export const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/**
 * A small builder for the detectors' scoring graphs (opset 13, float32 scalars broadcast over [N, 1]
 * columns): named constants, one node per call, the shared likelihood block, and the model wrapper.
 */
export class GraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private counter = 0;

  constant(value: number): string {
    const name = `c${this.counter++}`;
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [],
        floatData: [value],
      }),
    );
    return name;
  }

  op(opType: string, inputs: string[], attribute: object[] = [], output?: string): string {
    const name = output ?? `n${this.counter++}`;
    this.nodes.push(onnx.NodeProto.create({ name, opType, input: inputs, output: [name], attribute }));
    return name;
  }

  /** Splits a [N, k] input into k [N, 1] columns named `f_<feature>`. */
  split(input: string, features: readonly string[]): string[] {
    const columns = features.map((f) => `f_${f}`);
    this.nodes.push(
      onnx.NodeProto.create({
        name: 'split',
        opType: 'Split',
        input: [input],
        output: columns,
        attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
      }),
    );
    return columns;
  }

  toFloat(boolean: string): string {
    return this.op(
      'Cast',
      [boolean],
      [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }],
    );
  }

  /** max of several columns (Max is variadic in opset 13). */
  max(inputs: string[]): string {
    return this.op('Max', inputs);
  }

  /**
   * Numenta-style likelihood of a raw score: avg = (prevSum + raw)/window, z = max(0, (avg − mean)/max(std,
   * floor)), log tail = log ½ + log erfc(z/√2) (no float32 cancellation), nl = −log tail / log 1e10,
   * score = nl/(1 + nl). Mirrored by `likelihoodScore` in the TypeScript references.
   */
  likelihood(
    raw: string,
    prevSum: string,
    mean: string,
    std: string,
    window: number,
    stdFloor: number,
  ): string {
    const avg = this.op('Div', [this.op('Add', [prevSum, raw]), this.constant(window)]);
    const sd = this.op('Max', [std, this.constant(stdFloor)]);
    const z = this.op('Max', [this.op('Div', [this.op('Sub', [avg, mean]), sd]), this.constant(0)]);
    const x = this.op('Div', [z, this.constant(Math.SQRT2)]);
    const t = this.op('Reciprocal', [
      this.op('Add', [this.constant(1), this.op('Mul', [x, this.constant(0.5)])]),
    ]);
    const c = ERFC_COEFFICIENTS;
    let poly = this.constant(c[c.length - 1]!);
    for (let k = c.length - 2; k >= 0; k--)
      poly = this.op('Add', [this.constant(c[k]!), this.op('Mul', [t, poly])]);
    const logErfc = this.op('Add', [this.op('Sub', [this.op('Log', [t]), this.op('Mul', [x, x])]), poly]);
    const logTail = this.op('Add', [logErfc, this.constant(Math.log(0.5))]);
    const nl = this.op('Div', [this.op('Neg', [logTail]), this.constant(Math.log(1e10))]);
    return this.op('Div', [nl, this.op('Add', [nl, this.constant(1)])]);
  }

  /**
   * Range check: 0 within [lo − margin·(hi − lo), hi + margin·(hi − lo)], else
   * 1 − (1 − floor)·exp(−excess/(scale·range)). Mirrored by `spatialScore` (likelihood.ts).
   */
  spatial(value: string, lo: string, hi: string, margin: number, scale: number, floor: number): string {
    const width = this.op('Sub', [hi, lo]);
    const pad = this.op('Mul', [width, this.constant(margin)]);
    const excess = this.max([
      this.op('Sub', [this.op('Sub', [value, hi]), pad]),
      this.op('Sub', [this.op('Sub', [lo, pad]), value]),
      this.constant(0),
    ]);
    const outside = this.toFloat(this.op('Greater', [excess, this.constant(0)]));
    const range = this.op('Max', [width, this.constant(1e-9)]);
    const decay = this.op('Exp', [
      this.op('Neg', [this.op('Div', [excess, this.op('Mul', [range, this.constant(scale)])])]),
    ]);
    return this.op('Mul', [
      outside,
      this.op('Sub', [this.constant(1), this.op('Mul', [decay, this.constant(1 - floor)])]),
    ]);
  }

  /** The model: input [N, inputWidth] float32, output [N, 1] float32. */
  model(options: {
    name: string;
    input: string;
    inputWidth: number;
    output: string;
    docString: string;
    metadata: Record<string, string>;
  }): Uint8Array {
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
      name: options.name,
      node: this.nodes,
      initializer: this.initializers,
      input: [tensor(options.input, options.inputWidth)],
      output: [tensor(options.output, 1)],
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'retailos',
      producerVersion: '0.1.0',
      domain: 'retailos.anomaly',
      modelVersion: 1,
      docString: options.docString,
      opsetImport: [{ domain: '', version: 13 }],
      graph,
      metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
