// Which Python runs "Compare with Local PyTorch" and `check` (README "Compare with your own PyTorch"), in order:
// the setting ddpmLab.pythonPath (or the CLI's --python); else the interpreter selected in the Python extension
// (ms-python.python's environments API) when it is installed and has one; else python3, then python, on PATH.
// Pure: the host's facts come in as functions, so the order is tested without VS Code or a file system.

import { describe } from '../describe';

export type PythonSource = 'setting' | 'python-extension' | 'path';

export interface ResolvedPython {
  /** the interpreter to spawn (a path or a command name found on PATH) */
  command: string;
  source: PythonSource;
  /** one phrase saying where it came from, for messages */
  origin: string;
}

export interface PythonResolutionHost {
  /**
   * ddpmLab.pythonPath (or --python), as the user wrote it; empty, undefined or null when unset. A settings.json can
   * hold any JSON there: anything but a string is refused, naming the setting.
   */
  setting?: unknown;
  /**
   * The folder the setting is read for (its file system path): `${workspaceFolder}` in the setting stands for it,
   * and a relative path with a folder in it (`.venv/bin/python`) is taken from it, as the Python extension does.
   */
  workspaceFolder?: string;
  /** the home folder, for a setting beginning with `~/` (as the Python extension expands it) */
  homeDir?: string;
  /** how messages name the setting: `ddpmLab.pythonPath` (the default) or the CLI's `--python` */
  settingName?: string;
  /** the Python extension's active interpreter path; undefined when the extension is absent or has none */
  pythonExtensionInterpreter?: () => Promise<string | undefined>;
  /** the full path of a command on PATH, or undefined when PATH has none */
  which: (command: string) => Promise<string | undefined>;
}

export class NoPythonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoPythonError';
  }
}

/**
 * The setting as a path to spawn: `${workspaceFolder}` replaced by the folder, and a relative path that names a folder
 * (`.venv/bin/python`, `./venv/bin/python`) taken from the folder; a bare name (`python3.11`) is looked up on PATH.
 */
function settingPath(setting: string, host: PythonResolutionHost): string {
  const folder = host.workspaceFolder;
  const uses = setting.includes('${workspaceFolder}');
  if (uses && folder === undefined)
    throw new NoPythonError(`${settingNameOf(host)}: ${setting} names \${workspaceFolder}, but no folder is open`);
  let path = uses ? setting.split('${workspaceFolder}').join(folder!) : setting;
  if (host.homeDir !== undefined && /^~[\\/]/.test(path))
    path = `${host.homeDir.replace(/[\\/]+$/, '')}${path.slice(1)}`;
  const absolute = /^([\\/]|[A-Za-z]:[\\/])/.test(path);
  if (absolute || !/[\\/]/.test(path) || folder === undefined) return path;
  return `${folder.replace(/[\\/]+$/, '')}/${path.replace(/^\.[\\/]/, '')}`;
}

const settingNameOf = (host: PythonResolutionHost): string => host.settingName ?? 'ddpmLab.pythonPath';

/** The Python to use, or NoPythonError saying what was tried. */
export async function resolvePython(host: PythonResolutionHost): Promise<ResolvedPython> {
  if (host.setting !== undefined && host.setting !== null && typeof host.setting !== 'string')
    throw new NoPythonError(
      `${settingNameOf(host)}: expected the path of a Python (a string), got ${describe(host.setting)}`
    );
  const setting = host.setting?.trim();
  if (setting) {
    const command = settingPath(setting, host);
    return { command, source: 'setting', origin: `${settingNameOf(host)} (${command})` };
  }
  let fromExtension: string | undefined;
  try {
    fromExtension = (await host.pythonExtensionInterpreter?.())?.trim();
  } catch {
    fromExtension = undefined; // an extension that fails to answer is treated as absent
  }
  if (fromExtension)
    return {
      command: fromExtension,
      source: 'python-extension',
      origin: `the Python extension's interpreter (${fromExtension})`
    };
  for (const name of ['python3', 'python']) {
    const found = await host.which(name);
    if (found) return { command: found, source: 'path', origin: `${name} on PATH (${found})` };
  }
  throw new NoPythonError(
    'no Python found: ddpmLab.pythonPath is not set, the Python extension selected no interpreter, and neither python3 nor python is on PATH; set ddpmLab.pythonPath to a Python with PyTorch'
  );
}
