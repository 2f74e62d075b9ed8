// A small seeded PRNG (sfc32, seeded through splitmix32) for the demo catalogue. The catalogue must be a pure
// function of its options, so nothing here may touch Math.random or the clock. A class rather than closures:
// V8 keeps its int32 state unboxed and inlines its small methods into the hot loop of the generator.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  /** Any finite number is a valid seed; seeds beyond 32 bits keep their high bits so they stay distinct. */
  constructor(seed: number) {
    const whole = Math.trunc(seed);
    const hi = Math.floor(whole / 2 ** 32) >>> 0;
    const mix = splitmix32((whole >>> 0) ^ Math.imul(hi, 0x27d4eb2f));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    // sfc32 needs a few rounds before its output is well mixed.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    const c = (this.c << 21) | (this.c >>> 11);
    this.c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

export function createRng(seed: number): Rng {
  return new Rng(seed);
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}
