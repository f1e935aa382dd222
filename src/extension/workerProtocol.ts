// Messages between the extension host and the sampler worker (dist/worker.js). Plain data only:
// inputs travel as the five-key JSON object users write (seed as a decimal string, so no bigint),
// results as RunResultJson (src/core/runCodec.ts). No `vscode` and no `node:*` import here.
import type { RunResultJson } from '../core/run/runCodec';
import type { WrittenSchedule } from '../core/sampler/inputs';
import type { MatmulProfile, RecordPolicy, RngProfile, SamplerInputs } from '../core/types';

/** The five inputs as JSON (what readInputs accepts); float32 values as JS numbers, which hold them exactly. */
export interface InputsJson {
  w_model: number[][];
  shape: [number, number];
  betas: number[];
  alpha_bar: number[];
  seed: string;
}

export type WorkerRequest =
  | {
      op: 'sample';
      inputs: InputsJson;
      profile: RngProfile;
      record: RecordPolicy;
      /** ddpmLab.matmulProfile (absent: reference) */
      matmul?: MatmulProfile;
      /** trajectory budget in bytes (notebook outputs: ddpmLab.trajectory.notebookMaxMiB); default the core's 64 MiB */
      maxTrajectoryBytes?: number;
      /**
       * what reading the inputs where the user wrote them said (`w_model: given as float64; rounded to float32`):
       * `inputs` are their float32 values, which say nothing of it; the run's warnings begin with these
       */
      inputWarnings?: string[];
      /**
       * answer with the inputs instead of the steps (trajectory.recompute, inputs.wModel): the view recomputes
       * them (src/core/run/recompute.ts), so only a few KB cross the worker, host and webview boundaries
       */
      deferTrajectory?: boolean;
    }
  | {
      op: 'compare';
      inputs: InputsJson;
      profile: RngProfile;
      record: RecordPolicy;
      /** the run to compare (its sample is what is judged; other profiles are tried when it does not match) */
      run: RunResultJson;
      expectedText: string;
      rtol?: number;
      atol?: number;
      /** betas and alpha_bar as the inputs wrote them, for the diagnosis's float64-schedule retry (readInputs) */
      writtenSchedule?: WrittenSchedule;
    };

export type WorkerResponse =
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; run: RunResultJson }
  | { type: 'error'; message: string; aborted?: boolean };

/** Row-major float32 data as rows of `cols` JS numbers (each float32 value exactly). */
export function matrixRows(data: Float32Array, cols: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < data.length; i += cols) rows.push(Array.from(data.subarray(i, i + cols)));
  return rows;
}

/**
 * SamplerInputs -> the five-key object that worker messages and the results panel's stored run carry; every float32
 * value is kept exactly as a JS number (structured clone keeps -0 too), the seed as a decimal string.
 */
export function inputsToMessage(inputs: SamplerInputs): InputsJson {
  return {
    w_model: matrixRows(inputs.wModel.data, inputs.wModel.cols),
    shape: [inputs.n, inputs.d],
    betas: Array.from(inputs.betas),
    alpha_bar: Array.from(inputs.alphaBar),
    seed: inputs.seed.toString()
  };
}
