// A recording (RECORDING_MIME: the user's own PyTorch loop, recorded by python/ddpm_lab.py) checked against the
// exact reference, drawn in any notebook (README "Use it from Jupyter"). The reference runs here, in the browser,
// with the core (checkRecording.ts): no host messaging, so a saved .ipynb opened without a kernel shows it too.
// Shows the verdict line, the diagnosis with the wrong and the right PyTorch lines, the trajectories of both runs
// with the first divergent state marked, and the per-state distance. The root's data-ddpm-ready is "true" when
// drawn, "error" when the check or a plot failed (with its one-line error in the output).
import { errorFirstLine } from '../../../src/core/errors';
import {
  checkRecording,
  diagnosisLead,
  divergenceCause,
  rewrittenNote,
  type RecordingVerdict
} from '../../../src/core/run/checkRecording';
import type { Recording } from '../../../src/core/run/recording';
import { errorBox, followWidth, h, installStyles, pixelScale, rgbaDataUrl } from '../../dom';
import css from '../../styles.css';
import { observeTheme, themeKind, type ThemeColors } from '../../theme';
import { imagePlot, PlotBox, type HostBridge, type ViewContext } from '../common';
import { areaImage } from '../trajectories/trajectoriesFigures';
import type { PathSelection } from '../trajectories/trajectoriesModel';
import {
  firstDivergentStepAttribute,
  recordingDistanceFigure,
  recordingPathsPixels,
  recordingScene,
  recordingTrajectoryFigure
} from './recordingModel';

export interface RecordingViewHandle {
  readonly root: HTMLElement;
  /** resolves when the view is drawn (or has shown its error) */
  readonly ready: Promise<void>;
  dispose(): void;
}

/** Checks `recording` against the reference and draws the verdict into `container` (replacing what it held). */
export function mountRecordingView(
  container: HTMLElement,
  recording: Recording,
  host: HostBridge
): RecordingViewHandle {
  const doc = container.ownerDocument;
  installStyles(doc, css);
  const root = h('div', {
    class: 'ddpm-run ddpm-recording',
    'data-ddpm-ready': 'false',
    'data-ddpm-view': 'recording',
    'data-ddpm-theme': themeKind(doc)
  });
  const checking = h(
    'p',
    { class: 'ddpm-note' },
    'Checking your recorded states against the reference (Algorithm 2, float32, bit for bit)…'
  );
  root.append(header(recording), checking);
  container.replaceChildren(root);

  const cleanups: (() => void)[] = [];
  let disposed = false;
  const ready = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 0)); // show "Checking…" before the reference runs
    if (disposed) return;
    let verdict: RecordingVerdict;
    try {
      verdict = checkRecording(recording);
    } catch (e) {
      checking.replaceWith(errorBox(`DDPM Lab could not check this recording: ${errorFirstLine(e)}`));
      root.setAttribute('data-ddpm-ready', 'error');
      return;
    }
    checking.remove();
    const ctx: ViewContext = { run: verdict.reference, host, root, status: () => undefined };
    const scene = recordingScene(recording, verdict);
    root.setAttribute('data-ddpm-matches', String(verdict.matches));
    root.setAttribute('data-ddpm-first-divergent-step', firstDivergentStepAttribute(verdict));
    const plots = {
      trajectory: new PlotBox(
        ctx,
        'ddpm-recording-trajectory',
        'recording-trajectories',
        scene.d === 2 ? 'Paths x_T → x_0: reference and yours' : 'x[:, 0] against t: reference and yours',
        440
      ),
      distance: new PlotBox(
        ctx,
        'ddpm-recording-distance',
        'recording-distance',
        'Largest ulp distance from the reference, per recorded state',
        300
      )
    };
    const notes = h('div', { class: 'ddpm-notes' });
    root.append(
      ...verdictElements(recording, verdict),
      notes,
      h('div', { class: 'ddpm-plots' }, plots.trajectory.element, plots.distance.element)
    );
    let note: string | undefined;
    // the paths are the plot's image, painted for the plot area after each draw, zoom or resize
    let selection: PathSelection | undefined;
    let theme: ThemeColors | undefined;
    const paintPaths = async (): Promise<void> => {
      const area = plots.trajectory.plotArea();
      if (!area || !selection || !theme) return;
      const pixels = recordingPathsPixels(scene, selection, area, pixelScale(), theme);
      // over the grid, as plotly draws data; the marks of the first divergence are in the image too
      await plots.trajectory.relayout({ images: [areaImage(rgbaDataUrl(pixels), area)] });
    };
    const trajectory = imagePlot(
      plots.trajectory,
      (gl, t) => {
        const built = recordingTrajectoryFigure(scene, gl, t);
        note = built.note;
        selection = built.selection;
        theme = t;
        return built.figure;
      },
      paintPaths,
      ['images']
    );
    const draw = async (): Promise<void> => {
      await trajectory.draw();
      await plots.distance.draw((_gl, t) => recordingDistanceFigure(scene, verdict, t));
      const lines = [
        note,
        selection &&
          "Every recorded state of every path is drawn pixel by pixel, the reference's first and yours over it (a pixel is the stronger in colour the more paths cross it; zooming redraws them)."
      ];
      notes.replaceChildren(...lines.filter((s): s is string => !!s).map((s) => h('p', { class: 'ddpm-note' }, s)));
    };
    const drawAndMark = async (): Promise<void> => {
      root.setAttribute('data-ddpm-ready', 'false');
      try {
        await draw();
        if (!disposed) root.setAttribute('data-ddpm-ready', 'true');
      } catch (e) {
        root.append(errorBox(`Plots: ${errorFirstLine(e)}`));
        root.setAttribute('data-ddpm-ready', 'error');
      }
    };
    cleanups.push(
      () => trajectory.cancel(),
      () => plots.trajectory.dispose(),
      () => plots.distance.dispose(),
      observeTheme(() => {
        root.setAttribute('data-ddpm-theme', themeKind(doc));
        void drawAndMark();
      }, doc),
      followWidth(root, () => {
        plots.trajectory.resize();
        plots.distance.resize();
      })
    );
    await drawAndMark();
  })();

  return {
    root,
    ready,
    dispose: () => {
      disposed = true;
      for (const c of cleanups) c();
      cleanups.length = 0;
    }
  };
}

/** What was recorded: N, d, T, the seed, the user's PyTorch and the note. */
function header(r: Recording): HTMLElement {
  const parts = [
    `N = ${r.inputs.n}, d = ${r.inputs.d}, T = ${r.T}, seed ${r.inputs.seed}`,
    `${r.steps.length} recorded step${r.steps.length === 1 ? '' : 's'}${r.init ? ' and x_T' : ''}${r.every > 1 ? ` (every ${r.every})` : ''}`,
    r.torch ? `PyTorch ${r.torch.version}` : null
  ].filter((s): s is string => !!s);
  return h(
    'div',
    { class: 'ddpm-header' },
    h(
      'div',
      { class: 'ddpm-headline', 'data-testid': 'ddpm-headline' },
      h('strong', {}, 'Your DDPM loop against the reference: '),
      parts.join(' · ')
    ),
    r.note ? h('div', { class: 'ddpm-note' }, r.note) : null
  );
}

/** The verdict line, the diagnosis (each mistake with its wrong and right line), and the notes on the inputs. */
function verdictElements(r: Recording, v: RecordingVerdict): HTMLElement[] {
  const out: HTMLElement[] = [
    h(
      'p',
      {
        class: `ddpm-verdict ddpm-recording-verdict ${v.matches ? 'ddpm-verdict-ok' : 'ddpm-verdict-bad'}`,
        role: 'status',
        'data-testid': 'ddpm-recording-verdict'
      },
      v.headline
    )
  ];
  // x_T drawn otherwise, or the states recorded before their steps: said here, not only in the verdict as text
  const cause = divergenceCause(r, v);
  if (cause) {
    out.push(h('p', { class: 'ddpm-note', 'data-testid': 'ddpm-recording-diagnosis' }, cause));
  } else if (v.diagnosis) {
    const d = v.diagnosis;
    const section = h('section', { class: 'ddpm-diagnosis', 'data-testid': 'ddpm-recording-diagnosis' });
    const from = d.fromStep === r.T - 1 ? '' : ` from step t = ${d.fromStep} on`;
    if (!d.mistakes.length) {
      section.append(
        h(
          'p',
          {},
          d.rewritten
            ? rewrittenNote(d.rewritten.maxUlps)
            : `No mistake in the diagnosis catalogue reproduces your states${from}: the difference comes from something else in your loop.`
        )
      );
    } else {
      section.append(h('p', {}, `${diagnosisLead(d)}${from}:`));
      for (const m of d.mistakes) {
        section.append(
          h(
            'div',
            { class: 'ddpm-mistake', 'data-testid': 'ddpm-mistake', 'data-mistake-id': m.id },
            h('p', {}, h('strong', {}, m.title), ' ', h('code', {}, m.id)),
            h('p', {}, m.explanation),
            h('div', { class: 'ddpm-line-label' }, 'Your line:'),
            h('pre', { class: 'ddpm-code ddpm-code-wrong' }, m.wrong),
            h('div', { class: 'ddpm-line-label' }, 'Algorithm 2 (the reference loop):'),
            h('pre', { class: 'ddpm-code ddpm-code-right' }, m.right)
          )
        );
      }
    }
    out.push(section);
  }
  const notes = [...r.inputWarnings];
  if (v.float64States)
    notes.push('Your states were float64: they are compared after rounding to float32, as x.float() does.');
  if (notes.length)
    out.push(h('ul', { class: 'ddpm-warnings', 'data-testid': 'ddpm-warnings' }, ...notes.map((w) => h('li', {}, w))));
  out.push(
    h(
      'details',
      { class: 'ddpm-note', 'data-testid': 'ddpm-recording-details' },
      h('summary', {}, 'The verdict as text'),
      h('p', { class: 'ddpm-summary', 'data-testid': 'ddpm-recording-summary' }, v.summary)
    )
  );
  return out;
}
