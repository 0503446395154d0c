import { plainReply } from '../server/mail-intake/reply-trim';

/*
 * npm run --silent trim < body.txt
 * Prints what mail intake keeps of a plain-text mail body for a comment: the reply without
 * quotes, signatures and our "reply above this line" marker, or the whole text when that
 * leaves nothing (a message that only quotes or forwards).
 */
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
process.stdout.write(`${plainReply(Buffer.concat(chunks).toString('utf8')).body}\n`);
