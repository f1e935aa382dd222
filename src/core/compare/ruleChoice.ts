// Which rule judges a paste, chosen from how its numbers were printed (literalStyle.ts) unless tolerances were
// given: bitwise when the digits identify every float32 value, printed precision for a PyTorch print with fewer
// digits, and otherwise torch.testing.assert_close's tolerance rule. Also how each rule judges one element.
import type { CompareRule } from '../types';
import type { ParsedTensor } from '../tensors/parseTensor';
import {
  describeStyle,
  float32sPrintedWithNine,
  isFullPrecisionLiteral,
  printsAs,
  printsAsGeneral,
  printsAsWhole,
  showsNineDigits,
  isRoundedStyle,
  generalFormatDigits,
  literalStyle,
  pinsDownF32,
  pinsDownF64,
  sameDouble,
  sameFloat32,
  sameStyle,
  significantDigits,
  shortestFloat32Print,
  type LiteralStyle
} from './literalStyle';
import { formatPythonFloat } from './summaryText';

/** Which NumPy print a paste is (parseTensor.ts PrintKind). */
export type NumpyPrintKind = 'numpy-repr' | 'numpy-str' | 'numpy-list';

/** The rule that judges a paste, and what the paste's printing told us. */
export interface RuleChoice {
  rule: CompareRule;
  explanation: string;
  /** the paste's numbers identify float32 values exactly (so bitwise equality can be told) */
  pinned: boolean;
  /** the printed style when all finite pasted numbers share one */
  style: LiteralStyle | null;
  /** a NumPy print judged by NumPy's printing rule: which print it was (the rest is read from the values, see numpyRuleExplanation) */
  numpy?: NumpyPrintKind;
  /** a PyTorch print of a float64 tensor */
  float64Print?: boolean;
  /** a recorded state's exact bits (a recording of the Python helper), not a print */
  recorded?: boolean;
  /** rows written by np.savetxt, not a print */
  savetxt?: boolean;
  /** np.savetxt's fmt='%.{p}g' ('%g': 6): each element judged by what that fmt writes of our value */
  generalDigits?: number;
  /** np.savetxt's whole numbers ('%.0f', '%d'): each element judged by our value rounded or truncated to one */
  wholeNumbers?: true;
}

/**
 * Whether our value, printed the way the pasted number was (per the rule's reading of the paste: '%g', whole
 * numbers, or the literal's own style), gives the pasted text.
 */
export function printsAsPasted(choice: RuleChoice, v: number, lit: string, source: ParsedTensor['source']): boolean {
  if (choice.generalDigits) return printsAsGeneral(v, lit, choice.generalDigits);
  if (choice.wholeNumbers) return printsAsWhole(v, lit);
  return printsAs(v, lit, literalStyle(lit, source));
}

/**
 * The rule for a NumPy print (repr or str, any dtype NumPy prints floats in, any precision): printed-precision
 * under NumPy's printing rule (numpyPrint.ts: numpyElementMatches, judgeNumpyPaste), since NumPy cuts digits at
 * np.set_printoptions(precision=8) by default and pads columns, so neither PyTorch's rule nor bitwise applies.
 * The explanation is completed once the dtype and precision are read from the values (numpyRuleExplanation).
 */
export function chooseNumpyRule(kind: NumpyPrintKind): RuleChoice {
  return { rule: 'printed-precision', pinned: false, style: null, numpy: kind, explanation: '' };
}

/** The NumPy rule in words, with what judging the paste read from it. */
export function numpyRuleExplanation(
  kind: NumpyPrintKind,
  dtype: string,
  precision: number,
  suppress: boolean,
  formatAgrees: boolean,
  floatmode: 'maxprec' | 'fixed' | 'maxprec_equal' = 'maxprec'
): string {
  const what =
    kind === 'numpy-repr'
      ? `NumPy's repr of a ${dtype} array`
      : kind === 'numpy-list'
        ? `NumPy's print of a ${dtype} array with commas, np.array2string(a, separator=', ')`
        : `NumPy's str (print(a)) of a ${dtype} array`;
  const opts = `precision=${precision}${precision === 8 ? ', the default' : ''}${suppress ? ', suppress=True' : ''}`;
  const format = formatAgrees
    ? ''
    : " NumPy would not print our values in the notation of the paste (fixed or scientific, digits, exponent): it is a print of other values, or one made with a formatter (np.set_printoptions(formatter=...)), not NumPy's print of our array.";
  const mode =
    floatmode === 'fixed'
      ? `floatmode='fixed': the value rounded to ${precision} digits after the point`
      : floatmode === 'maxprec_equal'
        ? `floatmode='maxprec_equal': the shortest decimal that identifies the value, padded with zeros to ${precision} digits after the point`
        : `floatmode='maxprec': the shortest decimal that identifies the value, cut at precision digits after the point`;
  const shown = floatmode === 'maxprec' ? opts : `${opts.replace(/, the default$/, '')}, floatmode='${floatmode}'`;
  return `printed precision (NumPy's printing rule): the paste is ${what} (np.set_printoptions(${shown}), ${mode}), so an element matches when our float32 value, printed by NumPy that way, gives the pasted text.${format}`;
}

/**
 * Chooses the rule for the pasted literals (those laid over our sample): the tolerance rule when tolerances were
 * given (explicitTol); else bitwise when the digits pin down every float32 value, printed precision for a PyTorch
 * print with fewer digits, the tolerance rule with rtol/atol for anything else.
 */
export function chooseRule(
  lits: string[],
  source: ParsedTensor['source'],
  explicitTol: boolean,
  rtol: number,
  atol: number,
  /** a PyTorch print of a float64 tensor: its digits must identify float64 values for the bitwise rule */
  float64Print = false,
  /** rows written by np.savetxt: its fmt formats each value as Python's % does, correctly rounded, as a print does */
  savetxt = false,
  /** the rows' own PyTorch prints (print(list(x))): each may be in a style of its own */
  rowPrints = false,
  /** one number alone, without brackets (np.savetxt of a (1, 1) sample, print(x.item())) */
  bareNumber = false
): RuleChoice {
  const printed = savetxt ? 'written by np.savetxt' : 'printed';
  const styles = lits.map((l) => literalStyle(l, source));
  const rounded = styles.filter(isRoundedStyle);
  const ints = styles.filter((st) => st.kind === 'int');
  // one printed style for every number (nan, inf and PyTorch's exact zeros fit any)
  let style: LiteralStyle | null = null;
  if (rounded.length > 0 && ints.length === 0 && rounded.every((st) => sameStyle(st, rounded[0]))) style = rounded[0];
  else if (rounded.length === 0 && ints.length > 0) style = ints[0];
  // np.savetxt's fmt is a print, however few its digits (hand-typed short numbers may be exact values instead)
  // (one bare number of 6 significant digits or fewer, '0.745': a value printed at those decimals, as a sample's
  // float32 value, whose shortest decimal has 7 to 9 digits, would hardly be written whole)
  const looksPrinted =
    style !== null &&
    (source === 'torch' ||
      savetxt ||
      style.kind === 'sci' ||
      (style.kind === 'fixed' && style.decimals >= 4) ||
      (bareNumber && isRoundedStyle(style) && significantDigits(lits[0]) <= 6));
  const pins = float64Print ? pinsDownF64 : pinsDownF32;
  // PyTorch prints in more than one style (fixed and scientific notation, or other decimals): prints of their own, as
  // print(list(x)) prints each row; each number is judged as it was printed
  const mixed = !explicitTol && rowPrints && source === 'torch' && style === null && rounded.length > 0;
  const pinned =
    (looksPrinted && style) || mixed
      ? lits.every((l, k) => pins(l, styles[k]))
      : // a short number of np.savetxt is rounded by its fmt, not a float32's shortest decimal, unless every number
        // is one as str() of a float32 writes it (shortestFloat32Print)
        lits.every(savetxt ? showsNineDigits : isFullPrecisionLiteral) ||
        (!float64Print && float32sPrintedWithNine(lits)) ||
        (savetxt && shortestFloat32Print(lits));
  const tolText = `|ours - pasted| <= atol + rtol * |pasted| with rtol=${formatPythonFloat(rtol)}, atol=${formatPythonFloat(atol)} (torch.testing.assert_close(ours, pasted), nan never equal)`;
  if (explicitTol) {
    return { rule: 'tolerance', pinned, style, explanation: `tolerance: ${tolText}, because tolerances were given.` };
  }
  // '%g' (np.savetxt(fmt='%g')): as many digits after the point as each number needs, trailing zeros dropped, so no
  // style is shared, or whole numbers only (values from 10^(p - 1) to 10^p), which say nothing exact; a bare number of
  // 5 to 8 significant digits is read so too (one number has one style whatever wrote it), unless its digits identify
  // a float32 value (its shortest decimal, or decimals that tell it from its neighbours: bitwise)
  const general =
    (bareNumber && !pinned) || (savetxt && (style === null || style.kind === 'int') && !mixed)
      ? generalFormatDigits(lits)
      : null;
  // whole numbers of fewer digits ('%.0f', '%d' of values below 10^4): rounded or truncated, which says little of a
  // value that is no whole number (any float32 sample's), so not the bitwise rule of exact integers
  if (general === null && savetxt && style?.kind === 'int' && lits.every((l) => significantDigits(l) <= 8)) {
    return {
      rule: 'printed-precision',
      pinned: false,
      style,
      savetxt,
      wholeNumbers: true,
      explanation: `printed precision: the paste was ${printed} with whole numbers (fmt='%.0f', which rounds, or '%d', which truncates), so an element matches when our float32 value, rounded or truncated to a whole number, gives the pasted text.`
    };
  }
  if (general !== null) {
    const fmt = `fmt='%.${general}g'${general === 6 ? ", which is '%g'" : ''}`;
    return {
      rule: 'printed-precision',
      pinned: false,
      style,
      ...(savetxt ? { savetxt } : {}),
      generalDigits: general,
      explanation: `printed precision: the paste was ${printed} with ${general} significant digits (${fmt}), so an element matches when our float32 value, written with the same fmt (Python's % formatting, correctly rounded), gives the pasted text.`
    };
  }
  if (mixed) {
    return {
      rule: pinned ? 'bitwise' : 'printed-precision',
      pinned,
      style: null,
      ...(float64Print ? { float64Print } : {}),
      explanation: `${pinned ? 'bitwise' : 'printed precision'}: the paste's numbers were printed by PyTorch in more than one style (${[...new Set([...rounded, ...ints].map(describeStyle))].join(', ')}: separate prints, as print(list(x)) prints each row on its own), so an element matches when our float32 value${float64Print ? ', converted to float64 (as x.double() does),' : ''} printed the way its number was, gives the pasted text${pinned ? ', which identifies it bit for bit' : ''}.`
    };
  }
  if (looksPrinted && style) {
    if (pinned) {
      return {
        rule: 'bitwise',
        pinned,
        style,
        ...(savetxt ? { savetxt } : {}),
        explanation: `bitwise: the paste was ${printed} with ${describeStyle(style)}, enough to identify every float32 value, so an element matches only when it is our float32 value bit for bit.`
      };
    }
    return {
      rule: 'printed-precision',
      pinned,
      style,
      ...(float64Print ? { float64Print } : {}),
      ...(savetxt ? { savetxt } : {}),
      explanation: float64Print
        ? `printed precision: the paste is a print of a float64 tensor with ${describeStyle(style)}, which do not identify a float64 value, so an element matches when our float32 value, converted to float64 (as x.double() does) and printed the same way PyTorch prints it, gives the pasted text${
            lits.every((l, k) => pinsDownF32(l, styles[k]))
              ? ': these digits tell float32 values apart, so a float32 x printed as x.double() prints them and a loop run in float64 other ones.'
              : ' (at this precision a loop run in float64 may print the same digits).'
          }`
        : savetxt
          ? `printed precision: the paste was ${printed} with ${describeStyle(style)}, so an element matches when our float32 value, written with the same fmt (Python's % formatting, correctly rounded), gives the pasted text.`
          : `printed precision: the paste was printed with ${describeStyle(style)}, so an element matches when our float32 value, printed the same way PyTorch prints it, gives the pasted text.`
    };
  }
  if (pinned) {
    return {
      rule: 'bitwise',
      pinned,
      style,
      ...(savetxt ? { savetxt } : {}),
      explanation: `bitwise: ${
        savetxt && !lits.every(showsNineDigits) && shortestFloat32Print(lits)
          ? "the paste was written by np.savetxt with fmt='%s' or printed as rows (print(*row), csv): each number a float32 value's shortest decimal, as str() of a NumPy float32 writes it, which identifies it"
          : `${savetxt ? 'the paste was written by np.savetxt with enough digits' : 'every pasted number has enough digits'} to identify one float32 value`
      }, so an element matches only when it reads back as our float32 value bit for bit.`
    };
  }
  return {
    rule: 'tolerance',
    pinned,
    style,
    ...(savetxt ? { savetxt } : {}),
    explanation: savetxt
      ? `tolerance: the paste was written by np.savetxt with a fmt whose numbers neither share one style, nor identify float32 values, nor are what '%g' writes of float32 values with 5 to 8 significant digits (fewer may be numbers typed by hand), so they are judged by ${tolText}.`
      : `tolerance: the pasted numbers are neither a fixed-precision PyTorch print nor full-precision decimals, so they are judged by ${tolText}.`
  };
}

/**
 * torch.isclose(a, b, rtol, atol, equal_nan=False) on the float64 values (aten/src/ATen/native/TensorCompare.cpp),
 * with `slack` added to the allowed difference (b rounded when printed: half a unit of its last significant digit).
 */
export function iscloseF64(a: number, b: number, rtol: number, atol: number, slack = 0): boolean {
  if (a === b) return true;
  const actualError = Math.abs(a - b);
  return Number.isFinite(actualError) && actualError <= atol + Math.abs(rtol * b) + slack;
}

/**
 * How the rule judges one element: `ours` against the pasted float32 value `pasted`, given whether ours,
 * printed the way the pasted number was, gives the pasted text.
 */
export function elementJudge(
  rule: CompareRule,
  rtol: number,
  atol: number,
  /** the pasted values are float64 (compared as they are, not as the float32 they round to) */
  float64 = false
): (ours: number, pasted: number, printsSame: boolean) => boolean {
  if (rule === 'tolerance') return (a, b) => iscloseF64(a, b, rtol, atol);
  if (rule === 'bitwise') return float64 ? sameDouble : sameFloat32;
  return (_a, _b, printsSame) => printsSame;
}
