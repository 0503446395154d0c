import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { COMPILED } from '../core/app-root';
import { parseMail, type TMail } from './parse-message';
import type { TParseReply } from './parse-thread';
import { replyContents, type TReplyContents } from './reply-content';

export interface TParsedMail {
  mail: TMail;
  contents: TReplyContents;
}

export interface TMailParser {
  /** The message parsed and read as a reply (throws as parseMail does when it cannot be read). */
  parse(raw: Buffer): Promise<TParsedMail>;
  /** Starts the thread if it is not running: true once it parses, false when it cannot start. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

type TPending = { raw: Buffer; resolve: (p: TParsedMail) => void; reject: (err: unknown) => void };

/** Parsing here, on the calling thread. */
async function parseHere(raw: Buffer): Promise<TParsedMail> {
  const mail = await parseMail(raw);
  return { mail, contents: replyContents(mail) };
}

function revive(reply: Extract<TParseReply, { mail: TMail }>): TParsedMail {
  if (!reply.contents) throw new Error(reply.contentsError ?? 'The message could not be read as a reply.');
  // Buffers arrive as plain Uint8Arrays.
  const attachments = reply.mail.attachments.map((a) => ({ ...a, content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) }));
  return { mail: { ...reply.mail, attachments }, contents: reply.contents };
}

/**
 * MIME parsing and reply trimming in a worker thread: they are the largest part of intake's
 * work that needs no database, and the main thread runs everything else. The thread starts
 * with the first message; until it is ready (and if it cannot start, or dies) messages are
 * parsed here instead, so nothing waits on it or fails for it.
 */
export function createMailParser(log: Logger): TMailParser {
  let worker: Worker | null = null;
  let ready = false;
  let usable = true;
  let seq = 0;
  const pending = new Map<number, TPending>();
  let readyWaiters: ((ok: boolean) => void)[] = [];
  const settleReady = (ok: boolean) => {
    for (const w of readyWaiters) w(ok);
    readyWaiters = [];
  };

  const start = () => {
    // Compiled, the thread is a bundle of its own beside the server's (scripts/build-server.mjs).
    const w = new Worker(COMPILED ? new URL('./parse-thread.js', import.meta.url) : new URL('./parse-thread-boot.mjs', import.meta.url));
    w.unref();
    w.on('message', (reply: TParseReply | 'ready') => {
      if (reply === 'ready') {
        ready = true;
        return settleReady(true);
      }
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (!p) return;
      if ('retryHere' in reply) return void parseHere(p.raw).then(p.resolve, p.reject);
      if ('error' in reply) return p.reject(new Error(reply.error));
      try {
        p.resolve(revive(reply));
      } catch (err) {
        p.reject(err);
      }
    });
    w.on('error', (err) => log.error({ err }, 'mail parsing thread failed'));
    w.on('exit', () => {
      // Never ready: it cannot start here, so stop trying. Otherwise the next message starts another.
      if (!ready) usable = false;
      worker = null;
      ready = false;
      settleReady(false);
      for (const p of pending.values()) parseHere(p.raw).then(p.resolve, p.reject);
      pending.clear();
    });
    worker = w;
  };

  return {
    parse(raw) {
      if (!worker && usable) start();
      if (!ready || !worker) return parseHere(raw);
      const w = worker;
      return new Promise((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { raw, resolve, reject });
        w.postMessage({ id, raw });
      });
    },
    ready() {
      if (!worker && usable) start();
      if (ready) return Promise.resolve(true);
      if (!worker) return Promise.resolve(false);
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    async close() {
      usable = false;
      await worker?.terminate();
    },
  };
}
