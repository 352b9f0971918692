// Files in the layouts the quantizer reads, written by tests.

/** A binary PPM (P6) image; `pixel` gives each RGB triple. */
export function ppm(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Uint8Array {
  const head = Buffer.from(`P6\n# made by a test\n${width} ${height}\n255\n`);
  const body = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) body.set(pixel(x, y), (y * width + x) * 3);
  return new Uint8Array(Buffer.concat([head, body]));
}
