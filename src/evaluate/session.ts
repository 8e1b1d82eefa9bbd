// onnxruntime-node sessions on the requested device. `auto` tries CUDA (only when its provider library
// was installed: the package's install script downloads it from outside the npm registry, which this
// project's .npmrc skips), then WebGPU (bundled; fails cleanly without a GPU adapter), then CPU.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { DataError, UsageError } from '../core/errors.js';

export const DEVICES = ['auto', 'cpu', 'cuda', 'webgpu'] as const;
export type DeviceChoice = (typeof DEVICES)[number];
export type Device = Exclude<DeviceChoice, 'auto'>;

export const CUDA_HINT =
  'install the CUDA provider with internet access: `npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12` ' +
  '(README, "GPU evaluation")';

/** Folder of the native onnxruntime libraries (where the CUDA provider library lands when installed). */
export function onnxruntimeBinDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', platform(), arch());
}

export function cudaProviderInstalled(): boolean {
  const dir = onnxruntimeBinDir();
  const lib = platform() === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(dir, lib));
}

export interface OpenedSession {
  session: ort.InferenceSession;
  device: Device;
  /** Why devices tried before this one were skipped (for the log). */
  skipped: { device: Device; reason: string }[];
}

/** The informative part of an onnxruntime error: its first line, without the source location of a failed check. */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  let line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  const check = line.indexOf(' was false. ');
  if (check >= 0) line = line.slice(check + ' was false. '.length);
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

async function create(model: string | Uint8Array, device: Device): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = { executionProviders: [device], graphOptimizationLevel: 'all' };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/** Open a session on `choice`; explicit devices fail with the reason, `auto` falls through to CPU. */
export async function openSession(model: string | Uint8Array, choice: DeviceChoice, modelName = 'model'): Promise<OpenedSession> {
  if (!(DEVICES as readonly string[]).includes(choice)) {
    throw new UsageError(`--device ${JSON.stringify(choice)}: choose from ${DEVICES.join(', ')}`);
  }
  if (choice !== 'auto') {
    if (choice === 'cuda' && !cudaProviderInstalled()) {
      throw new UsageError(`--device cuda: the CUDA provider library is not installed in ${onnxruntimeBinDir()}; ${CUDA_HINT}`);
    }
    try {
      return { session: await create(model, choice), device: choice, skipped: [] };
    } catch (err) {
      if (choice === 'cpu') throw cannotLoad(modelName, err);
      throw new Error(`--device ${choice}: onnxruntime could not start the ${choice} execution provider: ${firstLine(err)}. Use --device cpu or --device auto.`);
    }
  }
  const skipped: OpenedSession['skipped'] = [];
  for (const device of ['cuda', 'webgpu'] as const) {
    if (device === 'cuda' && !cudaProviderInstalled()) {
      skipped.push({ device, reason: 'provider library not installed' });
      continue;
    }
    try {
      return { session: await create(model, device), device, skipped };
    } catch (err) {
      skipped.push({ device, reason: firstLine(err) });
    }
  }
  try {
    return { session: await create(model, 'cpu'), device: 'cpu', skipped };
  } catch (err) {
    throw cannotLoad(modelName, err);
  }
}

function cannotLoad(modelName: string, err: unknown): DataError {
  return new DataError(`${modelName}: onnxruntime cannot load this model on the CPU: ${firstLine(err)}. Pass a valid ONNX file as --model.`);
}
