// onnxruntime-node sessions on the requested device. `auto` tries CUDA (only when its provider library
// was installed: the package's install script downloads it from outside the npm registry, which this
// project never lets it do), then WebGPU (bundled; only where a Vulkan loader exists on Linux), then CPU.
//
// onnxruntime-node is loaded on first use (loadOrt), with its telemetry off: the official builds start
// Microsoft's 1DS telemetry SDK inside libonnxruntime, which queues events in
// ~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db (plus a persistent `deviceid`), writes
// $TMPDIR/.ses and an empty $TMPDIR/mat-debug-<pid>.log, and uploads to Microsoft's collector.
// ORT_DISABLE_TELEMETRY=1, set before onnxruntime initializes, keeps all of that from starting
// (onnxruntime docs/Privacy.md, "Disabling Telemetry"); test/evaluate-private.test.ts checks that HOME
// and TMPDIR stay empty.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { DataError, UsageError } from '../core/errors.js';

export type Ort = typeof import('onnxruntime-node');

let ortPromise: Promise<Ort> | undefined;

/**
 * onnxruntime-node, imported on first use (it is a native library: the CLI's other commands never load
 * it), with telemetry disabled before the native runtime initializes and its log at `error`: warnings
 * such as an execution provider's node placement go nowhere, errors still reach the caller.
 */
export function loadOrt(): Promise<Ort> {
  ortPromise ??= (async () => {
    process.env['ORT_DISABLE_TELEMETRY'] = '1';
    const ort = (await import('onnxruntime-node')).default;
    ort.env.logLevel = 'error';
    return ort;
  })();
  return ortPromise;
}

export const DEVICES = ['auto', 'cpu', 'cuda', 'webgpu'] as const;
export type DeviceChoice = (typeof DEVICES)[number];
export type Device = Exclude<DeviceChoice, 'auto'>;

/** Folder of the onnxruntime-node package this copy of medmnist-build uses. */
function onnxruntimePackageDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..');
}

/** Folder of the native onnxruntime libraries (where the CUDA provider library lands when installed). */
export function onnxruntimeBinDir(): string {
  return join(onnxruntimePackageDir(), 'bin', 'napi-v6', platform(), arch());
}

/**
 * How to add the CUDA provider: run onnxruntime-node's own install script, which package.json's
 * allowScripts keeps npm from running (it downloads from NuGet, outside the npm registry).
 */
export function cudaHint(): string {
  const script = join(onnxruntimePackageDir(), 'script', 'install.js');
  return `install the CUDA provider with internet access: \`ONNXRUNTIME_NODE_INSTALL=cuda12 node ${script}\` (README, "GPU evaluation")`;
}

export function cudaProviderInstalled(): boolean {
  const dir = onnxruntimeBinDir();
  const lib = platform() === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(join(dir, lib));
}

/**
 * Why WebGPU cannot start here, without trying it, or null. On Linux onnxruntime's WebGPU provider
 * (Dawn) reaches the GPU through Vulkan only; without a Vulkan loader Dawn prints a warning with its C++
 * source line to stderr before failing. process.dlopen runs the same dlopen search Dawn does: a library
 * that loads fails as "did not self-register" (it is not a Node addon, and is closed again).
 */
export function webgpuUnavailable(): string | null {
  if (platform() !== 'linux') return null;
  try {
    process.dlopen({ exports: {} }, 'libvulkan.so.1');
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/cannot open shared object file/.test(msg)) return 'no Vulkan loader (libvulkan.so.1) on this machine';
  }
  return null;
}

export interface OpenedSession {
  session: InferenceSession;
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

async function create(model: string | Uint8Array, device: Device): Promise<InferenceSession> {
  const ort = await loadOrt();
  const options: InferenceSession.SessionOptions = { executionProviders: [device], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/** Open a session on `choice`; explicit devices fail with the reason, `auto` falls through to CPU. */
export async function openSession(model: string | Uint8Array, choice: DeviceChoice, modelName = 'model'): Promise<OpenedSession> {
  if (!(DEVICES as readonly string[]).includes(choice)) {
    throw new UsageError(`--device ${JSON.stringify(choice)}: choose from ${DEVICES.join(', ')}`);
  }
  if (choice !== 'auto') {
    if (choice === 'cuda' && !cudaProviderInstalled()) {
      throw new UsageError(`--device cuda: the CUDA provider library is not installed in ${onnxruntimeBinDir()}; ${cudaHint()}`);
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
    const unavailable = device === 'webgpu' ? webgpuUnavailable() : null;
    if (unavailable !== null) {
      skipped.push({ device, reason: unavailable });
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
