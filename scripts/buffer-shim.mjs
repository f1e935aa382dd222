// Injected into the renderer bundle: plotly.js expects Node's global Buffer.
export { Buffer } from 'buffer';
