import { parentPort } from 'node:worker_threads';
import { parseMail, type TMail } from './parse-message';
import { replyContents, type TReplyContents } from './reply-content';

/*
 * The body of the mail parsing thread (./mail-parser.ts starts it through
 * ./parse-thread-boot.mjs): MIME parsing and reply trimming, which need no database.
 */

export type TParseRequest = { id: number; raw: Uint8Array };
export type TParseReply =
  | { id: number; mail: TMail; contents: TReplyContents | null; contentsError: string | null }
  | { id: number; error: string }
  /** The result could not be posted back: the main thread parses this one itself. */
  | { id: number; retryHere: true };

const port = parentPort!;
port.on('message', ({ id, raw }: TParseRequest) => {
  parseMail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)).then(
    (parsed) => {
      // mailparser's attachments carry a release() function, which cannot be posted.
      const mail: TMail = { ...parsed, attachments: parsed.attachments.map(({ release: _release, ...a }) => a as TMail['attachments'][number]) };
      let contents: TReplyContents | null = null;
      let contentsError: string | null = null;
      try {
        contents = replyContents(mail);
      } catch (err) {
        contentsError = String(err);
      }
      try {
        port.postMessage({ id, mail, contents, contentsError } satisfies TParseReply);
      } catch {
        port.postMessage({ id, retryHere: true } satisfies TParseReply);
      }
    },
    (err: unknown) => port.postMessage({ id, error: String(err) } satisfies TParseReply),
  );
});
port.postMessage('ready');
