// Calibration images from a folder, decoded without an image library: binary and ASCII PPM/PGM
// (P6/P5/P3/P2), NumPy .npy (uint8 images, or float32 tensors already preprocessed) and raw float32
// tensors (.f32/.raw/.bin). PNG, JPEG and other formats go through ImageMagick's `convert` to PPM
// when it is installed; otherwise they are refused with a hint.

import {execa} from "execa";
import {readdirSync, readFileSync, statSync} from "node:fs";
import {extname, join} from "node:path";
import {InputError, UserError} from "../common/errors.ts";

/** A decoded file: 8-bit pixels (HWC) to resize and scale, or a float tensor to take as it is. */
export type Decoded = {kind: "pixels"; width: number; height: number; channels: number; data: Uint8Array} | {kind: "tensor"; data: Float32Array; shape: number[]};

export const NATIVE_FORMATS = [".ppm", ".pgm", ".pnm", ".npy", ".f32", ".raw", ".bin"];
export const CONVERTED_FORMATS = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"];
export const FORMATS_HELP =
  ".ppm/.pgm/.pnm (P6/P5/P3/P2), .npy (uint8 HxWxC or CxHxW images, or float32 tensors already preprocessed), .f32/.raw/.bin (raw little-endian float32 tensors of the model's input size); .png/.jpg/.bmp/... only when ImageMagick's `convert` is installed";

/** The image files of a folder, sorted by name (so calibration and held-out sets are reproducible). */
export function listImages(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UserError(`--images ${dir}: not a folder`, {hint: "Give a folder of images"});
    names = readdirSync(dir);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`--images ${dir}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {hint: "Give a folder of images"});
  }
  const known = new Set([...NATIVE_FORMATS, ...CONVERTED_FORMATS]);
  const files = names.filter((n) => known.has(extname(n).toLowerCase())).sort().map((n) => join(dir, n));
  if (files.length === 0) throw new UserError(`--images ${dir}: no image files found`, {hint: `Formats read: ${FORMATS_HELP}`});
  return files;
}

export async function decodeFile(file: string): Promise<Decoded> {
  const ext = extname(file).toLowerCase();
  if (CONVERTED_FORMATS.includes(ext)) return decodePnm(await convertToPpm(file), file);
  const bytes = new Uint8Array(readFileSync(file));
  if (ext === ".npy") return decodeNpy(bytes, file);
  if (ext === ".f32" || ext === ".raw" || ext === ".bin") {
    if (bytes.length % 4 !== 0 || bytes.length === 0) throw new InputError(file, `${bytes.length} bytes is not a whole number of float32 values`, {hint: "Raw tensors are little-endian float32, exactly the model's input size (C x H x W)"});
    const copy = bytes.slice();
    return {kind: "tensor", data: new Float32Array(copy.buffer, 0, copy.length / 4), shape: [copy.length / 4]};
  }
  return decodePnm(bytes, file);
}

/** First non-empty line of a process's output (execa gives bytes with `encoding: "buffer"`). */
function firstLine(out: unknown): string {
  const text = out instanceof Uint8Array ? Buffer.from(out).toString("utf8") : typeof out === "string" ? out : "";
  return text.split("\n").map((l) => l.trim()).find((l) => l) ?? "";
}

async function convertToPpm(file: string): Promise<Uint8Array> {
  try {
    const r = await execa("convert", [file, "ppm:-"], {encoding: "buffer", timeout: 60_000});
    return new Uint8Array(r.stdout as Uint8Array);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new InputError(file, missing ? "no decoder for this format here (ImageMagick's `convert` is not installed)" : `ImageMagick could not decode it: ${firstLine((error as {stderr?: unknown}).stderr) || (error as Error).message.split("\n")[0]}`, {
      hint: `Convert the images to PPM first (e.g. \`convert a.png a.ppm\`), or use ${FORMATS_HELP}`
    });
  }
}

/** PPM/PGM, binary (P6/P5) or ASCII (P3/P2); 16-bit samples are reduced to 8 bits. */
export function decodePnm(bytes: Uint8Array, file: string): Decoded {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]))) pos++;
      if (bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]))) pos++;
    return Buffer.from(bytes.subarray(start, pos)).toString("latin1");
  };
  const magic = token();
  if (!/^P[2356]$/.test(magic)) {
    throw new InputError(file, `not a PPM/PGM image: it starts with ${JSON.stringify(Buffer.from(bytes.subarray(0, 8)).toString("latin1"))}, expected P6, P5, P3 or P2`, {offset: 0, hint: `Formats read: ${FORMATS_HELP}`});
  }
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (!(width > 0 && height > 0 && maxval > 0 && maxval < 65536)) throw new InputError(file, `bad PNM header: width ${width}, height ${height}, maxval ${maxval}`, {hint: "Expected positive width and height and a maxval of 1-65535"});
  const channels = magic === "P6" || magic === "P3" ? 3 : 1;
  const n = width * height * channels;
  const data = new Uint8Array(n);
  const scale = 255 / maxval;
  if (magic === "P6" || magic === "P5") {
    pos++; // the single whitespace after maxval
    const wide = maxval > 255;
    const need = n * (wide ? 2 : 1);
    if (bytes.length - pos < need) throw new InputError(file, `the image is truncated: ${bytes.length - pos} bytes of pixels, expected ${need} for ${width}x${height}x${channels}`, {offset: bytes.length});
    for (let i = 0; i < n; i++) data[i] = Math.round((wide ? (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1] : bytes[pos + i]) * scale);
  } else {
    for (let i = 0; i < n; i++) {
      const t = token();
      if (t === "") throw new InputError(file, `the image is truncated: ${i} of ${n} ASCII samples`, {offset: pos});
      data[i] = Math.round(Math.min(maxval, Number(t)) * scale);
    }
  }
  return {kind: "pixels", width, height, channels, data};
}

/** NumPy .npy v1-v3: uint8 arrays are images (HxW, HxWxC or CxHxW), float32 arrays are model-ready tensors. */
export function decodeNpy(bytes: Uint8Array, file: string): Decoded {
  const magic = Buffer.from(bytes.subarray(0, 6)).toString("latin1");
  if (magic !== "\x93NUMPY") throw new InputError(file, "not a NumPy .npy file (missing the \\x93NUMPY magic)", {offset: 0});
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = Buffer.from(bytes.subarray(headerStart, headerStart + headerLen)).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new InputError(file, `unreadable .npy header: ${header.trim()}`, {offset: headerStart});
  if (fortran) throw new InputError(file, "Fortran-ordered arrays are not supported", {hint: "Save with np.ascontiguousarray(a)"});
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  const body = bytes.subarray(start);
  if (descr === "|u1" || descr === "<u1") {
    if (body.length < n) throw new InputError(file, `truncated: ${body.length} bytes of data, expected ${n}`, {offset: bytes.length});
    const data = body.slice(0, n);
    if (shape.length === 2) return {kind: "pixels", height: shape[0], width: shape[1], channels: 1, data};
    if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) return {kind: "pixels", height: shape[0], width: shape[1], channels: shape[2], data};
    if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) {
      // CHW to HWC
      const [c, h, w] = shape;
      const hwc = new Uint8Array(n);
      for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) hwc[i * c + ch] = data[ch * h * w + i];
      return {kind: "pixels", height: h, width: w, channels: c, data: hwc};
    }
    throw new InputError(file, `a uint8 array of shape (${shape.join(", ")}) is not an image`, {hint: "Expected HxW, HxWxC or CxHxW with C = 1 or 3"});
  }
  if (descr === "<f4") {
    if (body.length < n * 4) throw new InputError(file, `truncated: ${body.length} bytes of data, expected ${n * 4}`, {offset: bytes.length});
    const copy = body.slice(0, n * 4);
    return {kind: "tensor", data: new Float32Array(copy.buffer, 0, n), shape};
  }
  throw new InputError(file, `dtype ${descr} is not supported`, {hint: "Use uint8 images (|u1) or float32 tensors (<f4)"});
}

/** Bilinear resize of HWC 8-bit pixels to CHW floats at the model's size (channels replicated or averaged). */
export function resizeToChw(img: {width: number; height: number; channels: number; data: Uint8Array}, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(c * h * w);
  const sx = img.width / w;
  const sy = img.height / h;
  const at = (x: number, y: number, ch: number) => {
    const i = (y * img.width + x) * img.channels;
    if (img.channels === c) return img.data[i + ch];
    if (img.channels === 1) return img.data[i];
    let s = 0;
    for (let k = 0; k < img.channels; k++) s += img.data[i + k];
    return s / img.channels;
  };
  for (let y = 0; y < h; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const dy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const dx = fx - x0;
      for (let ch = 0; ch < c; ch++) {
        const v = (at(x0, y0, ch) * (1 - dx) + at(x1, y0, ch) * dx) * (1 - dy) + (at(x0, y1, ch) * (1 - dx) + at(x1, y1, ch) * dx) * dy;
        out[ch * h * w + y * w + x] = Math.round(v);
      }
    }
  }
  return out;
}
