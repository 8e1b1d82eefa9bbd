// Writes ONNX ModelProto bytes with protobufjs from the subset of onnx/onnx.proto this project needs
// (field numbers as in the ONNX spec). protobufjs encodes fields in declaration order, so the same
// model description always gives the same bytes.
import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';

const ONNX_SUBSET = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional int32 type = 20;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** TensorProto.DataType.FLOAT */
export const ONNX_FLOAT = 1;
/** AttributeProto.AttributeType values used here. */
const ATTR_INT = 2;
const ATTR_INTS = 7;

let modelProtoType: protobuf.Type | undefined;

/** onnx.ModelProto, parsed on first use (protobufjs loads only when a model is written or read). */
function modelProto(): protobuf.Type {
  if (!modelProtoType) {
    const pb = createRequire(import.meta.url)('protobufjs') as typeof protobuf;
    modelProtoType = pb.parse(ONNX_SUBSET, { keepCase: true }).root.lookupType('onnx.ModelProto');
  }
  return modelProtoType;
}

export type OnnxAttribute = { name: string; int: number } | { name: string; ints: number[] };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

/** A float32 tensor stored as little-endian raw_data. */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  values: Float32Array;
}

/** A graph input or output: float32, each dimension a size or a symbolic name. */
export interface OnnxValueInfo {
  name: string;
  shape: (number | string)[];
}

export interface OnnxModel {
  producerName: string;
  producerVersion: string;
  docString: string;
  opset: number;
  irVersion: number;
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Model metadata_props in the given order. */
  metadata: [string, string][];
}

function valueInfo(v: OnnxValueInfo): object {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: ONNX_FLOAT,
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function littleEndianFloats(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

/** Serialise a model to ONNX protobuf bytes. */
export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const ModelProto = modelProto();
  const message = ModelProto.fromObject({
    ir_version: m.irVersion,
    producer_name: m.producerName,
    producer_version: m.producerVersion,
    doc_string: m.docString,
    graph: {
      node: m.nodes.map((n, i) => ({
        input: n.inputs,
        output: n.outputs,
        name: `${n.opType.toLowerCase()}_${i}`,
        op_type: n.opType,
        attribute: (n.attributes ?? []).map((a) =>
          'int' in a ? { name: a.name, i: a.int, type: ATTR_INT } : { name: a.name, ints: a.ints, type: ATTR_INTS },
        ),
      })),
      name: m.graphName,
      initializer: m.initializers.map((t) => ({
        dims: t.dims,
        data_type: ONNX_FLOAT,
        name: t.name,
        raw_data: littleEndianFloats(t.values),
      })),
      input: m.inputs.map(valueInfo),
      output: m.outputs.map(valueInfo),
    },
    opset_import: [{ domain: '', version: m.opset }],
    metadata_props: m.metadata.map(([key, value]) => ({ key, value })),
  });
  return ModelProto.encode(message).finish();
}

/** Decode ONNX bytes into a plain object (field names as in onnx.proto), for inspection and tests. */
export function decodeOnnxModel(bytes: Uint8Array): Record<string, unknown> {
  const ModelProto = modelProto();
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
}
