/**
 * The particle renderer: WebGL2 points, drawn from the frame data the simulation workers wrote
 * into the arena `draw`. It runs in the render worker on an OffscreenCanvas, or on the page's
 * canvas in single-thread fallback. Everything it needs per frame is built once here: a frame
 * costs one `bufferSubData` per simulation worker and one `drawArrays`, and makes no garbage.
 * @module
 */
import { mat4 } from 'gl-matrix';
import type { Memory } from '../../src/index.ts';
import {
  C_DRAWN, C_PIXEL_LIT, C_PIXEL_REQUEST, C_RENDER_US, C_UPLOAD, OUT_FLOATS, W_COUNT0, W_OUT0, wordOf,
} from './protocol.ts';

const VERTEX = `#version 300 es
layout(location = 0) in vec4 a_particle; // x, y, z, age in [0, 1)
uniform mat4 u_viewProjection;
out vec4 v_color;
void main() {
  gl_Position = u_viewProjection * vec4(a_particle.xyz, 1.0);
  float age = a_particle.w;
  v_color = vec4(mix(vec3(1.0, 0.8, 0.4), vec3(0.2, 0.4, 1.0), age), 0.5 * (1.0 - age) + 0.08);
  gl_PointSize = 1.0;
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec4 v_color;
out vec4 outColor;
void main() { outColor = vec4(v_color.rgb * v_color.a, v_color.a); }`;

/** The error message when a context cannot be made (the page falls back to drawing on the main thread). */
export const NO_WEBGL2 = 'WebGL2 is not available here';

/** Background colour, 0-255 (also what the pixel check compares with). */
export const BACKGROUND = [6, 9, 18] as const;

/** Where frame data goes: 1 to WebGL straight from the shared buffer, 2 through a local copy, 3 a CPU raster into 2D ImageData. */
export type UploadPath = 1 | 2 | 3;

/** The camera, built once: the fountain seen from the front, a little above the nozzle. */
function viewProjection(width: number, height: number): mat4 {
  const projection = mat4.perspective(mat4.create(), Math.PI / 4, width / height, 0.1, 200);
  const view = mat4.lookAt(mat4.create(), [0, 5, 17], [0, 4.5, 0], [0, 1, 0]);
  return mat4.multiply(mat4.create(), projection, view);
}

/** What the page's clock and workers need from a renderer. */
export interface Renderer {
  /** Draws frame `frame` from the shared frame data; returns the particles drawn. */
  draw(frame: number): number;
}

/** Finds each worker's block of frame data for `frame` and hands it to `block`; stores the count drawn. */
function eachBlock(i32: Int32Array, ctl: number, workers: number, capacity: number, frame: number,
  block: (dst: number, src: number, count: number) => void): number {
  const parity = (frame & 1) * 2;
  let total = 0;
  for (let w = 0; w < workers; w++) {
    const out = Atomics.load(i32, ctl + wordOf(w, W_OUT0 + parity));
    const count = Math.min(Atomics.load(i32, ctl + wordOf(w, W_COUNT0 + parity)), capacity - total);
    if (count > 0) block(total, out >> 2, count);
    total += count;
  }
  Atomics.store(i32, ctl + C_DRAWN, total);
  return total;
}

/** Pixels brighter than the background in RGBA bytes. */
function countLit(pixels: Uint8Array | Uint8ClampedArray, n: number): number {
  let lit = 0;
  const threshold = BACKGROUND[0] + BACKGROUND[1] + BACKGROUND[2] + 30;
  for (let k = 0; k < n; k += 4) {
    if (pixels[k] + pixels[k + 1] + pixels[k + 2] > threshold) lit++;
  }
  return lit;
}

/**
 * The renderer for where WebGL2 is missing (WebKitGTK has no WebGL on an OffscreenCanvas in a
 * worker): the same points and colours, rasterized on the CPU into one ImageData built once, and
 * put on a 2D canvas. About 1 ms per 100,000 particles; no garbage.
 */
export class Canvas2DRenderer implements Renderer {
  private readonly ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
  private readonly image: ImageData;
  private readonly bytes: Uint8ClampedArray;
  private readonly words: Uint32Array;
  private readonly m: mat4;
  private readonly background: number;
  private readonly block: (dst: number, src: number, count: number) => void;

  /** Same parameters as {@link ParticleRenderer}. */
  constructor(canvas: OffscreenCanvas | HTMLCanvasElement, private readonly memory: Memory, control: number,
    private readonly workers: number, private readonly capacity: number) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('neither WebGL2 nor a 2D context is available here');
    this.ctx = ctx;
    this.ctl = control >> 2;
    this.image = ctx.createImageData(canvas.width, canvas.height);
    this.bytes = this.image.data;
    this.words = new Uint32Array(this.bytes.buffer);
    this.m = viewProjection(canvas.width, canvas.height);
    this.background = (255 << 24 | BACKGROUND[2] << 16 | BACKGROUND[1] << 8 | BACKGROUND[0]) >>> 0; // RGBA bytes, little-endian
    this.block = (_dst, src, count) => {
      this.raster(src, count);
    };
    Atomics.store(memory.i32, this.ctl + C_UPLOAD, 3);
  }

  private readonly ctl: number;

  /** Draws frame `frame` (see {@link ParticleRenderer.draw}). */
  draw(frame: number): number {
    const t0 = performance.now();
    const i32 = this.memory.i32;
    this.words.fill(this.background);
    const total = eachBlock(i32, this.ctl, this.workers, this.capacity, frame, this.block);
    this.ctx.putImageData(this.image, 0, 0);
    if (Atomics.load(i32, this.ctl + C_PIXEL_REQUEST) !== 0) {
      Atomics.store(i32, this.ctl + C_PIXEL_LIT, countLit(this.bytes, this.bytes.length));
      Atomics.store(i32, this.ctl + C_PIXEL_REQUEST, 0);
    }
    Atomics.store(i32, this.ctl + C_RENDER_US, Math.round((performance.now() - t0) * 1000));
    return total;
  }

  /** Projects `count` particles from float `src` and adds their colour to their pixel (additive, clamped). */
  private raster(src: number, count: number): void {
    const f32 = this.memory.f32;
    const m = this.m;
    const px = this.bytes;
    const width = this.image.width;
    const height = this.image.height;
    for (let k = 0; k < count; k++) {
      const o = src + k * OUT_FLOATS;
      const x = f32[o];
      const y = f32[o + 1];
      const z = f32[o + 2];
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      if (w <= 0) continue;
      const sx = (((m[0] * x + m[4] * y + m[8] * z + m[12]) / w) * 0.5 + 0.5) * width;
      const sy = (0.5 - ((m[1] * x + m[5] * y + m[9] * z + m[13]) / w) * 0.5) * height;
      if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
      const age = f32[o + 3];
      const a = (0.5 * (1 - age) + 0.08) * 255;
      const i = ((sy | 0) * width + (sx | 0)) * 4;
      px[i] += (1 - age + 0.2 * age) * a;
      px[i + 1] += (0.8 - 0.4 * age) * a;
      px[i + 2] += (0.4 + 0.6 * age) * a;
    }
  }
}

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (shader === null) throw new Error('WebGL2: createShader failed');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (gl.getShaderParameter(shader, gl.COMPILE_STATUS) !== true) throw new Error(`WebGL2 shader: ${gl.getShaderInfoLog(shader) ?? '?'}`);
  return shader;
}

/** WebGL2 points from the shared frame data. */
export class ParticleRenderer implements Renderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly memory: Memory;
  private readonly ctl: number;
  private readonly workers: number;
  private readonly pixels: Uint8Array;
  private local: Float32Array | null = null;
  private readonly capacity: number;
  /** How frame data reaches the GPU; decided at the first upload. */
  upload: UploadPath | 0 = 0;
  /** {@link ParticleRenderer.uploadBlock} bound once (a per-frame closure would be garbage). */
  private readonly block: (dst: number, src: number, count: number) => void;

  /**
   * Builds the program, the buffer and the camera once.
   * @param canvas - an OffscreenCanvas (render worker) or the page's canvas (fallback).
   * @param memory - this thread's memory.
   * @param control - byte offset of the control block.
   * @param workers - simulation workers whose frame data to draw.
   * @param capacity - most particles (the pool's capacity).
   */
  constructor(canvas: OffscreenCanvas | HTMLCanvasElement, memory: Memory, control: number, workers: number, capacity: number) {
    const gl = canvas.getContext('webgl2', { antialias: false, alpha: false, preserveDrawingBuffer: false });
    if (gl === null) throw new Error(NO_WEBGL2);
    this.gl = gl;
    this.memory = memory;
    this.ctl = control >> 2;
    this.workers = workers;
    this.capacity = capacity;
    this.pixels = new Uint8Array(canvas.width * canvas.height * 4);
    this.block = (dst, src, count) => {
      this.uploadBlock(dst * OUT_FLOATS, src, count * OUT_FLOATS);
    };
    const program = gl.createProgram();
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (gl.getProgramParameter(program, gl.LINK_STATUS) !== true) throw new Error(`WebGL2 link: ${gl.getProgramInfoLog(program) ?? '?'}`);
    gl.useProgram(program);
    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    const buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.bufferData(gl.ARRAY_BUFFER, capacity * OUT_FLOATS * 4, gl.DYNAMIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 0, 0);
    gl.uniformMatrix4fv(gl.getUniformLocation(program, 'u_viewProjection'), false, viewProjection(canvas.width, canvas.height));
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE); // additive: dense parts of the fountain glow
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.clearColor(BACKGROUND[0] / 255, BACKGROUND[1] / 255, BACKGROUND[2] / 255, 1);
  }

  /**
   * Draws frame `frame`: uploads every worker's block of frame data for that frame's parity, and
   * draws them as points. When the page asked (`C_PIXEL_REQUEST`), counts the lit pixels.
   * @param frame - the frame whose data to draw (the one before the frame being simulated).
   * @returns particles drawn.
   */
  draw(frame: number): number {
    const t0 = performance.now();
    const { gl, memory, ctl } = this;
    const i32 = memory.i32;
    const total = eachBlock(i32, ctl, this.workers, this.capacity, frame, this.block);
    if (this.upload === 2 && total > 0 && this.local !== null) gl.bufferSubData(gl.ARRAY_BUFFER, 0, this.local, 0, total * OUT_FLOATS);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (total > 0) gl.drawArrays(gl.POINTS, 0, total);
    if (Atomics.load(i32, ctl + C_PIXEL_REQUEST) !== 0) {
      Atomics.store(i32, ctl + C_PIXEL_LIT, this.countLit());
      Atomics.store(i32, ctl + C_PIXEL_REQUEST, 0);
    }
    Atomics.store(i32, ctl + C_RENDER_US, Math.round((performance.now() - t0) * 1000));
    return total;
  }

  /** One block of floats into the vertex buffer at float `dst`: straight from the shared buffer where WebGL takes it. */
  private uploadBlock(dst: number, src: number, floats: number): void {
    const f32 = this.memory.f32;
    if (this.upload !== 2) {
      try {
        this.gl.bufferSubData(this.gl.ARRAY_BUFFER, dst * 4, f32, src, floats);
        if (this.upload === 0) this.setUpload(1);
        return;
      } catch {
        // this browser's WebGL refuses views of a SharedArrayBuffer: copy, then upload once per frame
        this.setUpload(2);
      }
    }
    this.local ??= new Float32Array(this.capacity * OUT_FLOATS);
    const local = this.local;
    for (let k = 0; k < floats; k++) local[dst + k] = f32[src + k];
  }

  private setUpload(path: UploadPath): void {
    this.upload = path;
    Atomics.store(this.memory.i32, this.ctl + C_UPLOAD, path);
  }

  /** Pixels brighter than the background, read back from the frame just drawn. */
  private countLit(): number {
    const { gl, pixels } = this;
    gl.readPixels(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    return countLit(pixels, gl.drawingBufferWidth * gl.drawingBufferHeight * 4);
  }
}

/**
 * WebGL2 where the canvas has it, else the CPU raster into a 2D context.
 * @param canvas - an OffscreenCanvas (render worker) or the page's canvas.
 * @param memory - this thread's memory.
 * @param control - byte offset of the control block.
 * @param workers - simulation workers whose frame data to draw.
 * @param capacity - most particles.
 * @returns the renderer.
 */
export function createRenderer(canvas: OffscreenCanvas | HTMLCanvasElement, memory: Memory, control: number, workers: number, capacity: number): Renderer {
  try {
    return new ParticleRenderer(canvas, memory, control, workers, capacity);
  } catch (err) {
    if (!(err instanceof Error) || err.message !== NO_WEBGL2) throw err;
    return new Canvas2DRenderer(canvas, memory, control, workers, capacity);
  }
}
