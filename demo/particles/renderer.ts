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

/** Background colour, 0-255 (also what the pixel check compares with). */
export const BACKGROUND = [6, 9, 18] as const;

/** Where uploads come from: 1 straight from the shared buffer, 2 copied into a local array first. */
export type UploadPath = 1 | 2;

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (shader === null) throw new Error('WebGL2: createShader failed');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (gl.getShaderParameter(shader, gl.COMPILE_STATUS) !== true) throw new Error(`WebGL2 shader: ${gl.getShaderInfoLog(shader) ?? '?'}`);
  return shader;
}

/** WebGL2 points from the shared frame data. */
export class ParticleRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly memory: Memory;
  private readonly ctl: number;
  private readonly workers: number;
  private readonly pixels: Uint8Array;
  private local: Float32Array | null = null;
  private readonly capacity: number;
  /** How frame data reaches the GPU; decided at the first upload. */
  upload: UploadPath | 0 = 0;

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
    if (gl === null) throw new Error('WebGL2 is not available here');
    this.gl = gl;
    this.memory = memory;
    this.ctl = control >> 2;
    this.workers = workers;
    this.capacity = capacity;
    this.pixels = new Uint8Array(canvas.width * canvas.height * 4);
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
    const projection = mat4.perspective(mat4.create(), Math.PI / 4, canvas.width / canvas.height, 0.1, 200);
    const view = mat4.lookAt(mat4.create(), [0, 5, 17], [0, 4.5, 0], [0, 1, 0]);
    gl.uniformMatrix4fv(gl.getUniformLocation(program, 'u_viewProjection'), false, mat4.multiply(mat4.create(), projection, view));
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
    const parity = (frame & 1) * 2;
    let total = 0;
    for (let w = 0; w < this.workers; w++) {
      const out = Atomics.load(i32, ctl + wordOf(w, W_OUT0 + parity));
      const count = Math.min(Atomics.load(i32, ctl + wordOf(w, W_COUNT0 + parity)), this.capacity - total);
      if (count > 0) this.uploadBlock(total * OUT_FLOATS, out >> 2, count * OUT_FLOATS);
      total += count;
    }
    if (this.upload === 2 && total > 0 && this.local !== null) gl.bufferSubData(gl.ARRAY_BUFFER, 0, this.local, 0, total * OUT_FLOATS);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (total > 0) gl.drawArrays(gl.POINTS, 0, total);
    Atomics.store(i32, ctl + C_DRAWN, total);
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
    let lit = 0;
    const n = gl.drawingBufferWidth * gl.drawingBufferHeight * 4;
    for (let k = 0; k < n; k += 4) {
      if (pixels[k] + pixels[k + 1] + pixels[k + 2] > BACKGROUND[0] + BACKGROUND[1] + BACKGROUND[2] + 30) lit++;
    }
    return lit;
  }
}
