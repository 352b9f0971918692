// Calibration images without an image library: PPM/PGM (binary and ASCII), .npy and raw float32
// tensors, written here in their real layouts, plus truncated and foreign files.
import assert from "node:assert/strict";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, it} from "node:test";
import {decodeFile, decodeNpy, decodePnm, listImages, resizeToChw} from "../../../loaders/quantize/images.ts";
import {sampleSets} from "../../../loaders/quantize/inputs.ts";
import {InputError, UserError} from "../../../loaders/common/errors.ts";
import {tempDir} from "../../helpers/tmp.ts";
import {ppm} from "./fixtures.ts";

function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const pre = Buffer.alloc(10);
  Buffer.from("\x93NUMPY", "latin1").copy(pre);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return new Uint8Array(Buffer.concat([pre, Buffer.from(header, "latin1"), data]));
}

describe("image decoding", () => {
  it("reads binary PPM and PGM, and ASCII P3 with comments", () => {
    const img = decodePnm(ppm(2, 1, (x) => [x * 255, 10, 20]), "a.ppm");
    assert.deepEqual(img, {kind: "pixels", width: 2, height: 1, channels: 3, data: Uint8Array.of(0, 10, 20, 255, 10, 20)});
    const gray = decodePnm(new Uint8Array(Buffer.concat([Buffer.from("P5 2 2 15\n"), Buffer.from([0, 15, 5, 10])])), "g.pgm");
    assert.deepEqual(gray.kind === "pixels" && [...gray.data], [0, 255, 85, 170]);
    const ascii = decodePnm(new Uint8Array(Buffer.from("P3\n# comment\n1 1\n255\n1 2 3\n")), "t.ppm");
    assert.deepEqual(ascii.kind === "pixels" && [...ascii.data], [1, 2, 3]);
  });

  it("passes on ImageMagick's own error when it cannot decode a file", async () => {
    // A stand-in `convert` first on PATH that fails the way ImageMagick does (message on stderr, status 1).
    const dir = await tempDir();
    await writeFile(join(dir, "convert"), "#!/bin/sh\necho \"convert: improper image header \\`$1' @ error/png.c/ReadPNGImage/4106.\" >&2\nexit 1\n", {mode: 0o755});
    const png = join(dir, "broken.png");
    await writeFile(png, "not a png");
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    try {
      await assert.rejects(decodeFile(png), (e: Error) => e instanceof InputError && e.message.includes(png) && /ImageMagick could not decode it: convert: improper image header `.*broken\.png' @ error\/png\.c/.test(e.message));
    } finally {
      process.env.PATH = path;
    }
  });

  it("refuses truncated and foreign files, naming the file", () => {
    const whole = ppm(4, 4, () => [1, 2, 3]);
    assert.throws(() => decodePnm(whole.subarray(0, whole.length - 5), "cut.ppm"), (e: Error) => e instanceof InputError && /cut\.ppm.*truncated/.test(e.message));
    assert.throws(() => decodePnm(new Uint8Array(Buffer.from("\x89PNG\r\n\x1a\n....")), "x.ppm"), (e: Error) => e instanceof InputError && /not a PPM\/PGM/.test(e.message));
    assert.throws(() => decodePnm(new Uint8Array(Buffer.from("P6 0 4 255\n")), "z.ppm"), /bad PNM header/);
  });

  it("reads .npy uint8 images (HWC and CHW) and float32 tensors", () => {
    const hwc = decodeNpy(npy("|u1", [1, 2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6)), "a.npy");
    assert.deepEqual(hwc, {kind: "pixels", height: 1, width: 2, channels: 3, data: Uint8Array.of(1, 2, 3, 4, 5, 6)});
    const chw = decodeNpy(npy("|u1", [3, 1, 2], Uint8Array.of(1, 4, 2, 5, 3, 6)), "b.npy");
    assert.deepEqual(chw.kind === "pixels" && [...chw.data], [1, 2, 3, 4, 5, 6]);
    const f = decodeNpy(npy("<f4", [2], new Uint8Array(Float32Array.of(0.5, -1).buffer)), "c.npy");
    assert.deepEqual(f.kind === "tensor" && [...f.data], [0.5, -1]);
    assert.throws(() => decodeNpy(npy("<f8", [1], new Uint8Array(8)), "d.npy"), /dtype <f8 is not supported/);
    assert.throws(() => decodeNpy(npy("|u1", [4, 4, 3], new Uint8Array(10)), "e.npy"), /truncated/);
  });

  it("resizes bilinearly to the model's CHW size", () => {
    const out = resizeToChw({width: 2, height: 2, channels: 1, data: Uint8Array.of(0, 100, 100, 200)}, 3, 4, 4);
    assert.equal(out.length, 48);
    assert.equal(out[0], 0, "corner kept");
    assert.equal(out[15], 200, "far corner kept");
    assert.deepEqual([...out.subarray(0, 16)], [...out.subarray(16, 32)], "gray replicated to 3 channels");
  });
});

describe("calibration and held-out sets from a folder", () => {
  it("calibrates on the first files and holds out the rest, scaled to the input range", async () => {
    const dir = await tempDir();
    for (let i = 0; i < 5; i++) await writeFile(join(dir, `img${i}.ppm`), ppm(8, 8, (x, y) => [i * 50, x * 30, y * 30]));
    await writeFile(join(dir, "tensor.f32"), new Uint8Array(new Float32Array(3 * 4 * 4).fill(0.25).buffer));
    await writeFile(join(dir, "notes.txt"), "not an image");
    assert.deepEqual(listImages(dir).map((f) => f.slice(dir.length + 1)), ["img0.ppm", "img1.ppm", "img2.ppm", "img3.ppm", "img4.ppm", "tensor.f32"]);
    const spec = {name: "input", shape: [1, 3, 4, 4], range: [-1, 1] as [number, number]};
    const sets = await sampleSets(spec, {calibration: 3, heldout: 10, images: dir});
    assert.equal(sets.calibration.kind, "images");
    assert.equal(sets.calibration.samples.length, 3);
    assert.equal(sets.heldout.samples.length, 3, "the files left after calibration");
    assert.match(sets.heldout.source, /not used for calibration/);
    assert.equal(sets.calibration.samples[0][0], -1, "pixel 0 -> -1");
    assert.ok(Math.abs(sets.calibration.samples[2][0] - (-1 + (2 * 100) / 255)) < 1e-6, "pixel 100 -> -1 + 200/255");
    assert.equal(sets.heldout.samples[2][0], 0.25, "a float tensor is taken as it is");
    // Too few files for --samples: a user error saying how many there are.
    await assert.rejects(sampleSets(spec, {calibration: 9, heldout: 1, images: dir}), (e: Error) => e instanceof UserError && /6 image file\(s\)/.test(e.message));
    // All files used for calibration: held-out inputs are generated, and the source says so.
    const all = await sampleSets(spec, {calibration: 6, heldout: 2, images: dir});
    assert.equal(all.heldout.kind, "generated");
    assert.match(all.heldout.source, /generated.*no images left/);
  });

  it("a wrong-size float tensor is refused", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "t.raw"), new Uint8Array(new Float32Array(7).buffer));
    await assert.rejects(sampleSets({name: "input", shape: [1, 3, 4, 4], range: [0, 1]}, {calibration: 1, heldout: 1, images: dir}), /7 values, the model's input 'input' takes 48/);
    const file = join(dir, "t.raw");
    assert.equal((await decodeFile(file)).kind, "tensor");
  });
});
