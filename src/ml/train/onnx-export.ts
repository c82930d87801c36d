import onnxProto from 'onnx-proto';
import type { GbdtModel } from '../gbdt/tree.ts';

const { onnx } = onnxProto;

/** Input and output names of every exported forecaster. */
export const ONNX_INPUT = 'features';
export const ONNX_OUTPUT = 'mean';
export const ONNX_RAW_OUTPUT = 'raw';

/**
 * Writes a GBDT as an ONNX graph: one `ai.onnx.ml` TreeEnsembleRegressor (BRANCH_LEQ nodes, SUM of
 * leaf weights plus `base_values`) giving the raw score, then — for the log-link objectives (Tweedie,
 * Poisson) — a standard `Exp` node giving the mean on the response scale. The exp stays in the graph
 * (TreeEnsembleRegressor's `post_transform` has no exp), so any ONNX runtime returns demand, not logs.
 * Input `features`: float32 [N, F] in `model.featureNames` order; outputs `mean` and `raw`: [N, 1].
 */
export function exportOnnx(model: GbdtModel, metadata: Record<string, string> = {}): Uint8Array {
  const ints = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
  };
  const values: number[] = [];
  const modes: string[] = [];
  const target = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    ids: [] as number[],
    weights: [] as number[],
  };
  model.trees.forEach((tree, t) => {
    for (let node = 0; node < tree.feature.length; node++) {
      const leaf = tree.feature[node]! < 0;
      ints.treeIds.push(t);
      ints.nodeIds.push(node);
      ints.featureIds.push(leaf ? 0 : tree.feature[node]!);
      values.push(leaf ? 0 : tree.threshold[node]!);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      ints.trueIds.push(leaf ? 0 : tree.left[node]!);
      ints.falseIds.push(leaf ? 0 : tree.right[node]!);
      ints.missingTrue.push(leaf ? 0 : tree.missingLeft[node]!);
      if (leaf) {
        target.treeIds.push(t);
        target.nodeIds.push(node);
        target.ids.push(0);
        target.weights.push(tree.value[node]!);
      }
    }
  });
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const A = onnx.AttributeProto.AttributeType;
  const attrInts = (name: string, list: number[]) => ({ name, type: A.INTS, ints: list });
  const attrFloats = (name: string, list: number[]) => ({ name, type: A.FLOATS, floats: list });
  const ensemble = onnx.NodeProto.create({
    name: 'gbdt',
    opType: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    input: [ONNX_INPUT],
    output: [ONNX_RAW_OUTPUT],
    attribute: [
      attrInts('nodes_treeids', ints.treeIds),
      attrInts('nodes_nodeids', ints.nodeIds),
      attrInts('nodes_featureids', ints.featureIds),
      attrFloats('nodes_values', values),
      { name: 'nodes_modes', type: A.STRINGS, strings: modes.map(text) },
      attrInts('nodes_truenodeids', ints.trueIds),
      attrInts('nodes_falsenodeids', ints.falseIds),
      attrInts('nodes_missing_value_tracks_true', ints.missingTrue),
      attrInts('target_treeids', target.treeIds),
      attrInts('target_nodeids', target.nodeIds),
      attrInts('target_ids', target.ids),
      attrFloats('target_weights', target.weights),
      { name: 'n_targets', type: A.INT, i: 1 },
      attrFloats('base_values', [model.baseScore]),
      { name: 'aggregate_function', type: A.STRING, s: text('SUM') },
      { name: 'post_transform', type: A.STRING, s: text('NONE') },
    ],
  });
  const nodes = [ensemble];
  if (model.link === 'log') {
    nodes.push(
      onnx.NodeProto.create({ name: 'link', opType: 'Exp', input: [ONNX_RAW_OUTPUT], output: [ONNX_OUTPUT] }),
    );
  } else {
    nodes.push(
      onnx.NodeProto.create({
        name: 'link',
        opType: 'Identity',
        input: [ONNX_RAW_OUTPUT],
        output: [ONNX_OUTPUT],
      }),
    );
  }
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
    name: 'retailos_demand',
    node: nodes,
    input: [tensor(ONNX_INPUT, model.featureNames.length)],
    output: [tensor(ONNX_OUTPUT, 1), tensor(ONNX_RAW_OUTPUT, 1)],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'retailos',
    producerVersion: '0.1.0',
    domain: 'retailos.ml',
    modelVersion: 1,
    docString: `GBDT (${model.objective}${model.tweediePower ? ` p=${model.tweediePower}` : ''}, ${model.trees.length} trees)`,
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph,
    metadataProps: Object.entries({ features: model.featureNames.join(','), ...metadata }).map(
      ([key, value]) => ({
        key,
        value,
      }),
    ),
  });
  return onnx.ModelProto.encode(proto).finish();
}
