import { isTrackedEnvelope } from '@trpc/server';

export type TRequestId = number | string;

/** tRPC's result for one subscription event: `tracked()` ones carry their id twice, as its ws adapter sends them. */
export function dataResult(value: unknown): { type: 'data'; data: unknown; id?: string } {
  if (!isTrackedEnvelope(value)) return { type: 'data', data: value };
  const [id, data] = value;
  return { type: 'data', data: { id, data }, id };
}

/**
 * The UTF-8 text frames of one event value, shared by every subscriber it is pushed to.
 * The value (a tracked envelope the event stream made once per event) is serialised once;
 * each subscription id (clients number theirs alike, so there are few) gets one buffer,
 * byte for byte what JSON.stringify({ id, result }) gives.
 */
class EventFrames {
  private readonly tail: string;
  private firstId: TRequestId | undefined;
  private first: Buffer | null = null;
  private more: Map<TRequestId, Buffer> | null = null;

  constructor(value: unknown) {
    this.tail = `,"result":${JSON.stringify(dataResult(value))}}`;
  }

  forId(id: TRequestId): Buffer {
    if (this.first && this.firstId === id) return this.first;
    let frame = this.more?.get(id);
    if (frame) return frame;
    frame = Buffer.from(`{"id":${JSON.stringify(id)}${this.tail}`);
    if (!this.first) {
      this.first = frame;
      this.firstId = id;
    } else {
      (this.more ??= new Map()).set(id, frame);
    }
    return frame;
  }
}

/** Frames by event value; they go when the value does. */
export class FrameCache {
  private readonly byValue = new WeakMap<object, EventFrames>();

  /** The data message for `value` to subscription `id`, or null when it cannot be shared (not an object). */
  frame(value: unknown, id: TRequestId): Buffer | null {
    if (typeof value !== 'object' || value === null) return null;
    let frames = this.byValue.get(value);
    if (!frames) this.byValue.set(value, (frames = new EventFrames(value)));
    return frames.forId(id);
  }
}
