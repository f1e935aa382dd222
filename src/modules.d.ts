// Module declarations for files bundled as text (scripts/build.mjs: esbuild's text loader for .py).

declare module '*.py' {
  const text: string;
  export default text;
}
