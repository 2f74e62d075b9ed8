// A few frames of MPEG-1 Layer III silence, built by hand so the demo audio needs no encoder.
// 44.1 kHz, 32 kbit/s, mono is the smallest common frame (104 or 105 bytes): the benchmark writes 100,000
// files. The first frame carries an "Info" (CBR Xing) header with the frame and byte counts, so decoders
// know the exact duration without estimating it from the bitrate.

const SAMPLE_RATE = 44_100;
const BITRATE = 32_000;
/** MPEG-1 Layer III: bytes per frame = 144 * bitrate / sample rate, the fraction carried by padding bytes. */
const BYTES_PER_FRAME = (144 * BITRATE) / SAMPLE_RATE;
/** Header (4 bytes) + mono MPEG-1 side information (17 bytes): where the Info header starts. */
const INFO_OFFSET = 4 + 17;
const INFO_FRAMES_AND_BYTES = 0x3;

/**
 * Header bytes: 0xFF 0xFB = frame sync, MPEG-1, Layer III, no CRC; then bitrate index 1 (32 kbit/s),
 * sample rate index 0 (44.1 kHz) and the padding bit; then channel mode 3 (mono) with the "original" bit.
 */
function header(padded: boolean): number[] {
  return [0xff, 0xfb, 0x10 | (padded ? 0x02 : 0), 0xc4];
}

/** Byte length of frame `i` when padding spreads the fractional byte as the standard intends. */
function frameLength(i: number): number {
  return Math.floor((i + 1) * BYTES_PER_FRAME) - Math.floor(i * BYTES_PER_FRAME);
}

/**
 * `audioFrames` frames of digital silence after one Info frame. All-zero side information means no Huffman
 * data at all (part2_3_length = 0), which every decoder renders as silence.
 */
export function silentMp3(audioFrames: number): Buffer {
  const total = audioFrames + 1;
  const lengths = Array.from({ length: total }, (_, i) => frameLength(i));
  const size = lengths.reduce((sum, n) => sum + n, 0);
  const out = Buffer.alloc(size);
  let offset = 0;
  lengths.forEach((length, i) => {
    out.set(header(length > Math.floor(BYTES_PER_FRAME)), offset);
    if (i === 0) {
      out.write('Info', offset + INFO_OFFSET, 'latin1');
      out.writeUInt32BE(INFO_FRAMES_AND_BYTES, offset + INFO_OFFSET + 4);
      // Decoders count only the frames after the Info frame; the byte count covers the whole stream.
      out.writeUInt32BE(audioFrames, offset + INFO_OFFSET + 8);
      out.writeUInt32BE(size, offset + INFO_OFFSET + 12);
    }
    offset += length;
  });
  return out;
}
